import type { ReportWindow } from '../common.js';
import { decisionsById, executionsInWindow, type QueryOptions, type ReportSources } from '../sources.js';
import { buildProvisioningReport, type ProvisioningReport } from './build.js';

/** Provisioning latency over a window, from the executions' by-day index and the decisions behind them. */
export async function provisioningReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow },
  options: QueryOptions,
): Promise<ProvisioningReport> {
  const records = (await executionsInWindow(sources, query.window, options.progress)).filter(
    (r) => r.action === 'complete',
  );
  // Only grants can be either "time to grant" or "time to remove"; the decision's history tells which.
  const ambiguous = records.filter((r) => !['revoke', 'delete-identity', 'rotate'].includes(r.kind));
  const decisions = await decisionsById(
    sources,
    ambiguous.map((r) => r.decisionId),
    options.progress,
  );
  return buildProvisioningReport({ now: options.now, window: query.window, records, decisions });
}
