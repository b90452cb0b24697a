import type { FindingFilter } from '../../../ports/finding-store.js';
import type { FindingStatus, FindingType } from '../../finding.js';
import type { MetricsSnapshot } from '../../metrics.js';
import type { Severity } from '../../primitives.js';
import type { ReportWindow } from '../common.js';
import type { QueryOptions, ReportSources } from '../sources.js';
import { type FindingsOverTimePoint, type FindingsReport, FindingsTally } from './build.js';

export interface FindingsQuery {
  readonly window: ReportWindow;
  /** How often scans are meant to run (hours): an older last scan is flagged. Default 24. */
  readonly scanIntervalHours?: number;
  readonly status: FindingStatus;
  readonly owner?: string;
  readonly type?: FindingType;
  readonly minSeverity?: Severity;
  /** Only this account's findings (12 digits). */
  readonly account?: string;
}

/** A metrics snapshot as a point of "open findings over time". */
export function snapshotPoint(s: MetricsSnapshot): FindingsOverTimePoint {
  const by = s.governance.openFindings.bySeverity;
  return {
    day: s.day,
    total: s.governance.openFindings.total,
    critical: by.critical ?? 0,
    high: by.high ?? 0,
    medium: by.medium ?? 0,
    low: by.low ?? 0,
    info: by.info ?? 0,
  };
}

/** The filters of a findings query, as the store answers them with its keys. */
function filterOf(query: FindingsQuery): FindingFilter {
  return {
    status: query.status,
    ...(query.type ? { type: query.type } : {}),
    ...(query.minSeverity ? { minSeverity: query.minSeverity } : {}),
    ...(query.owner ? { owner: query.owner } : {}),
    ...(query.account ? { accountId: query.account } : {}),
  };
}

/**
 * Open (or suppressed, resolved) findings by type, severity, owner and age, with their trend. Every
 * filter is answered by the store's keys (FindingQueries.pagesOf), so the read grows with the answer;
 * the findings stream into a tally a page at a time. With `keep`, only the worst `keep` rows are held
 * (the overview): the counts cover every finding in scope, the memory only a page and those rows.
 */
export async function findingsReport(
  sources: ReportSources,
  query: FindingsQuery,
  options: QueryOptions,
  keep?: number,
): Promise<FindingsReport> {
  options.progress?.(0, 2, 'reading findings');
  const tally = new FindingsTally(options.now, keep);
  for await (const page of sources.findings.pagesOf(filterOf(query))) tally.add(page);

  // The daily snapshots count every open finding, so they only draw the trend of an unfiltered report.
  // Each is a day a scan ran; days without a scan have no point (nothing is derived or filled in).
  options.progress?.(1, 2, 'reading scan history');
  const unfiltered = !query.owner && !query.type && !query.minSeverity && !query.account;
  let snapshots: FindingsOverTimePoint[] = [];
  if (sources.metrics && unfiltered) {
    const from = query.window.since.slice(0, 10);
    const to = query.window.until.slice(0, 10);
    snapshots = (await sources.metrics.listMetrics(from, to))
      .filter((m) => m.takenAt <= query.window.until)
      .map(snapshotPoint);
  }
  // The scan log's latest scan of each account at or before "now"; with several accounts, the one
  // whose last scan is oldest is the one a reader must hear about.
  const now = options.now.toISOString();
  const lastScans = sources.scans ? (await sources.scans.listLatestScans()).filter((r) => r.asOf <= now) : [];
  const stalest = lastScans.sort((a, b) => a.asOf.localeCompare(b.asOf))[0];
  options.progress?.(2, 2, 'done');
  return tally.report({
    window: query.window,
    scope: {
      status: query.status,
      owner: query.owner ?? null,
      type: query.type ?? null,
      minSeverity: query.minSeverity ?? null,
      ...(query.account ? { account: query.account } : {}),
    },
    snapshots,
    ...(stalest ? { lastScan: stalest } : {}),
    ...(query.scanIntervalHours ? { scanIntervalHours: query.scanIntervalHours } : {}),
  });
}
