import type { DeniedAttempt } from '../../decision.js';
import type { Finding, FindingStatus } from '../../finding.js';
import type { ReportWindow } from '../common.js';
import type { QueryOptions, ReportSources } from '../sources.js';
import { buildViolationsReport, VIOLATION_FINDING_TYPES, type ViolationsReport } from './build.js';

const FINDING_STATUSES: readonly FindingStatus[] = ['open', 'suppressed', 'resolved'];

/** Denied attempts, forged events and unapproved access in a window. */
export async function violationsReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow },
  options: QueryOptions,
): Promise<ViolationsReport> {
  const [deniedAttempts, ...findingLists] = await Promise.all([
    sources.decisions.listDeniedAttemptsSince(query.window.since),
    ...VIOLATION_FINDING_TYPES.flatMap((type) =>
      FINDING_STATUSES.map((status) => sources.findings.listByStatus(status, type)),
    ),
  ]);
  return buildViolationsReport({
    now: options.now,
    window: query.window,
    deniedAttempts: deniedAttempts as DeniedAttempt[],
    findings: (findingLists as Finding[][]).flat(),
  });
}
