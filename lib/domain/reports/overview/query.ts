import type { ReportWindow } from '../common.js';
import { exceptionsReport } from '../exceptions/query.js';
import { findingsReport } from '../findings/query.js';
import { provisioningReport } from '../provisioning/query.js';
import { reviewsReport } from '../reviews/query.js';
import type { QueryOptions, ReportSources } from '../sources.js';
import { violationsReport } from '../violations/query.js';
import { type OverviewReport, TOP_FINDINGS } from './build.js';

/** Findings, exceptions, provisioning, violations and reviews over one window, for one page. */
export async function overviewReport(
  sources: ReportSources,
  query: {
    readonly window: ReportWindow;
    readonly expiringWithinDays: number;
    readonly scanIntervalHours?: number;
  },
  options: QueryOptions,
): Promise<OverviewReport> {
  const quiet = { now: options.now };
  options.progress?.(0, 5, 'reading findings');
  // Counts of every open finding, streamed: the overview holds a page and its top rows, not the table.
  const findings = await findingsReport(
    sources,
    {
      window: query.window,
      status: 'open',
      ...(query.scanIntervalHours ? { scanIntervalHours: query.scanIntervalHours } : {}),
    },
    quiet,
    TOP_FINDINGS,
  );
  options.progress?.(1, 5, 'reading exceptions');
  const exceptions = await exceptionsReport(sources, query, quiet);
  options.progress?.(2, 5, 'reading executions');
  const provisioning = await provisioningReport(sources, query, quiet);
  options.progress?.(3, 5, 'reading violations');
  const violations = await violationsReport(sources, query, quiet);
  options.progress?.(4, 5, 'reading campaigns');
  const reviews = sources.campaigns ? await reviewsReport(sources, query, quiet) : null;
  options.progress?.(5, 5, 'done');
  return {
    report: 'overview',
    asOf: options.now.toISOString(),
    findings,
    exceptions,
    provisioning,
    violations,
    reviews,
  };
}
