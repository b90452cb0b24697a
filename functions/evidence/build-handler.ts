import { collectEvidence, type EvidenceSources } from '../../lib/domain/evidence/collect.js';
import { archivePrefix, type EvidencePeriodUnit, previousPeriod } from '../../lib/domain/evidence/period.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { buildEvidencePackage, type PolicyInForce } from '../../lib/evidence/package.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { EvidenceArchive } from '../../lib/ports/evidence-archive.js';
import { EvidenceEvent } from './schema.js';

export interface EvidenceHandlerDeps {
  readonly sources: EvidenceSources;
  readonly archive: EvidenceArchive;
  readonly policy: PolicyInForce;
  readonly period: EvidencePeriodUnit;
  readonly clock: Clock;
  /** Where the data came from, as the manifest records it. */
  readonly source: string;
}

/** What the function returns and logs: where the package went and its digest, never its content. */
export interface EvidenceSummary {
  readonly from: string;
  readonly to: string;
  readonly prefix: string;
  readonly files: number;
  readonly packageDigest: string;
  readonly rows: Readonly<Record<string, number>>;
}

/** The scheduled evidence run: the previous period's package, written once to the evidence bucket. */
export function buildHandler(deps: EvidenceHandlerDeps) {
  return async (event: unknown): Promise<EvidenceSummary> => {
    const input = parseOrThrow(EvidenceEvent, event, 'evidence event');
    const now = deps.clock.now();
    const period =
      input?.from && input.to
        ? { since: new Date(input.from).toISOString(), until: new Date(input.to).toISOString() }
        : previousPeriod(now, deps.period);
    const data = await collectEvidence(deps.sources, period, { now });
    const pkg = buildEvidencePackage({
      data,
      policies: [deps.policy],
      source: deps.source,
      generator: 'nhi-gov evidence function',
    });
    const prefix = archivePrefix(period, data.generatedAt);
    await deps.archive.putPackage(prefix, pkg.files, { packageDigest: pkg.manifest.packageDigest });
    return {
      from: period.since,
      to: period.until,
      prefix,
      files: pkg.files.size,
      packageDigest: pkg.manifest.packageDigest,
      rows: pkg.rows,
    };
  };
}
