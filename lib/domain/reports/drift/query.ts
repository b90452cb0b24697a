import type { ExecutionRecord } from '../../execution.js';
import type { Finding } from '../../finding.js';
import type { ReportWindow } from '../common.js';
import {
  decisionsById,
  executionsInWindow,
  mapLimit,
  type QueryOptions,
  type ReportSources,
} from '../sources.js';
import { buildDriftReport, type DriftReport } from './build.js';

/**
 * Every IAM change in a window (or of some identities) joined with its decision, and the access with no
 * decision at all. Without identities: one by-day Query per day and the open unapproved-access
 * findings; with identities: their by-identity Queries.
 */
export async function driftReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow; readonly identities: readonly string[] | null },
  options: QueryOptions,
): Promise<DriftReport> {
  let records: ExecutionRecord[];
  let unapproved: Finding[];
  if (query.identities) {
    const keys = [...new Set(query.identities)];
    let done = 0;
    const perIdentity = await mapLimit(keys, 4, async (key) => {
      const [executions, findings] = await Promise.all([
        sources.executions.listForIdentity(key),
        sources.findings.listByIdentity(key),
      ]);
      options.progress?.(++done, keys.length, `reading ${key}`);
      return { executions, findings };
    });
    records = perIdentity.flatMap((p) => p.executions);
    unapproved = perIdentity.flatMap((p) => p.findings);
  } else {
    records = await executionsInWindow(sources, query.window, options.progress);
    unapproved = (
      await Promise.all([
        sources.findings.listByStatus('open', 'unapproved-access'),
        sources.findings.listByStatus('open', 'policy-changed-since-approval'),
      ])
    ).flat();
  }
  const decisions = await decisionsById(
    sources,
    records.map((r) => r.decisionId),
    options.progress,
  );
  return buildDriftReport({
    now: options.now,
    window: query.window,
    identities: query.identities,
    records,
    decisions,
    unapprovedFindings: unapproved,
  });
}
