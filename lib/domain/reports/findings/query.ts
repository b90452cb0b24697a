import type { Finding, FindingStatus, FindingType } from '../../finding.js';
import type { MetricsSnapshot } from '../../metrics.js';
import { SEVERITY_RANK, type Severity } from '../../primitives.js';
import type { ReportWindow } from '../common.js';
import type { QueryOptions, ReportSources } from '../sources.js';
import { buildFindingsReport, type FindingsOverTimePoint, type FindingsReport } from './build.js';

export interface FindingsQuery {
  readonly window: ReportWindow;
  /** How often scans are meant to run (hours): an older last scan is flagged. Default 24. */
  readonly scanIntervalHours?: number;
  readonly status: FindingStatus;
  readonly owner?: string;
  readonly type?: FindingType;
  readonly minSeverity?: Severity;
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

/** Open (or suppressed, resolved) findings by type, severity, owner and age, with their trend. */
export async function findingsReport(
  sources: ReportSources,
  query: FindingsQuery,
  options: QueryOptions,
): Promise<FindingsReport> {
  const list = (status: FindingStatus) =>
    query.owner
      ? sources.findings
          .listByOwner(query.owner, status)
          .then((fs) => (query.type ? fs.filter((f) => f.type === query.type) : fs))
      : sources.findings.listByStatus(status, query.type);
  const atLeast = (f: Finding) =>
    query.minSeverity === undefined || SEVERITY_RANK[f.severity] >= SEVERITY_RANK[query.minSeverity];

  options.progress?.(0, 2, 'reading findings');
  const findings = (await list(query.status)).filter(atLeast);

  // The daily snapshots count every open finding, so they only draw the trend of an unfiltered report.
  // Each is a day a scan ran; days without a scan have no point (nothing is derived or filled in).
  options.progress?.(1, 2, 'reading scan history');
  const unfiltered = !query.owner && !query.type && !query.minSeverity;
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
  return buildFindingsReport({
    now: options.now,
    window: query.window,
    scope: {
      status: query.status,
      owner: query.owner ?? null,
      type: query.type ?? null,
      minSeverity: query.minSeverity ?? null,
    },
    findings,
    snapshots,
    ...(stalest ? { lastScan: stalest } : {}),
    ...(query.scanIntervalHours ? { scanIntervalHours: query.scanIntervalHours } : {}),
  });
}
