import type { Finding, FindingStatus, FindingType } from '../../finding.js';
import { HOUR_MS, type Severity } from '../../primitives.js';
import type { ScanRecord } from '../../scanning/scan-time.js';
import {
  compareFindings,
  type FindingRow,
  findingRow,
  type ReportWindow,
  SEVERITIES_WORST_FIRST,
} from '../common.js';
import { bucketOf, countBy, FINDING_AGE_BUCKETS } from '../stats.js';

/** Open findings on one day: a point of the "findings over time" chart. */
export interface FindingsOverTimePoint {
  readonly day: string;
  readonly total: number;
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
  readonly info: number;
}

/**
 * Where the series came from: the scans' daily metrics snapshots (`metrics`), one point per day a scan
 * ran, or `none`. Nothing is derived or filled in: a day without a scan has no point.
 */
export type OverTimeSource = 'metrics' | 'none';

/** The last scan the store knows of, at or before the report's "now" (of the account scanned longest ago). */
export interface LastScan {
  readonly accountId: string;
  /** What the scan described: its `--as-of` (or the time it ran, for the scheduled scan). */
  readonly at: string;
  /** When the scan ran (the wall clock). */
  readonly ranAt: string;
  /** Whole hours from the scan to the report's "now". */
  readonly ageHours: number;
  /** True when the scan is older than the scan interval: the findings may be out of date. */
  readonly overdue: boolean;
}

export interface FindingsReport {
  readonly report: 'findings';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly scope: {
    readonly status: FindingStatus;
    readonly owner: string | null;
    readonly type: FindingType | null;
    readonly minSeverity: Severity | null;
  };
  readonly window: ReportWindow;
  readonly total: number;
  readonly bySeverity: readonly { readonly severity: Severity; readonly count: number }[];
  readonly byType: readonly {
    readonly type: FindingType;
    readonly count: number;
    readonly worstSeverity: Severity;
    readonly oldestDays: number;
  }[];
  /** Findings per owner the findings name; findings with no owner are not a row (see `withoutOwner`). */
  readonly byOwner: readonly {
    readonly owner: string;
    readonly count: number;
    readonly critical: number;
    readonly high: number;
    readonly medium: number;
    readonly low: number;
    readonly info: number;
  }[];
  /**
   * Findings in scope that name no owner: "no owner" is a finding to fix (an NHI without an owner is an
   * `orphaned-identity` finding), not an owner. `total` = the sum of `byOwner[].count` + this.
   */
  readonly withoutOwner: number;
  readonly byAge: readonly { readonly bucket: string; readonly count: number }[];
  readonly overTimeSource: OverTimeSource;
  readonly overTime: readonly FindingsOverTimePoint[];
  /** How often scans are meant to run, in hours (the deployed schedule is daily). */
  readonly scanIntervalHours: number;
  /** The newest scan at or before "now", or null when the store has none. */
  readonly lastScan: LastScan | null;
  readonly findings: readonly FindingRow[];
}

export interface FindingsReportInput {
  readonly now: Date;
  readonly window: ReportWindow;
  readonly scope: FindingsReport['scope'];
  /** The findings in scope (already filtered by status, owner, type and severity). */
  readonly findings: readonly Finding[];
  /** Daily points from metrics snapshots, if the scanners stored any in the window. */
  readonly snapshots?: readonly FindingsOverTimePoint[];
  /** The scan log's record of the last scan (the stalest account's), if any. */
  readonly lastScan?: ScanRecord;
  /** How often scans are meant to run; default 24 hours. */
  readonly scanIntervalHours?: number;
}

/** The default scan interval: the deployed scanner runs daily (lib/config DEFAULT_SCAN_SCHEDULE). */
export const DEFAULT_SCAN_INTERVAL_HOURS = 24;

/** Open findings by type, severity, owner and age, with the series for "findings over time". */
export function buildFindingsReport(input: FindingsReportInput): FindingsReport {
  const rows = input.findings.map((f) => findingRow(f, input.now)).sort(compareFindings);
  const severityCounts = countBy(rows, (r) => r.severity, SEVERITIES_WORST_FIRST);

  const byType = [...countBy(rows, (r) => r.type).keys()].map((type) => {
    const ofType = rows.filter((r) => r.type === type);
    return {
      type: type as FindingType,
      count: ofType.length,
      worstSeverity: (ofType[0] as FindingRow).severity,
      oldestDays: Math.max(...ofType.map((r) => r.ageDays)),
    };
  });
  byType.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));

  const owners = new Map<string, FindingRow[]>();
  let withoutOwner = 0;
  for (const r of rows) {
    if (!r.owner) {
      withoutOwner += 1;
      continue;
    }
    owners.set(r.owner, [...(owners.get(r.owner) ?? []), r]);
  }
  const byOwner = [...owners.entries()]
    .map(([owner, list]) => {
      const c = countBy(list, (r) => r.severity, SEVERITIES_WORST_FIRST);
      return {
        owner,
        count: list.length,
        critical: c.get('critical') ?? 0,
        high: c.get('high') ?? 0,
        medium: c.get('medium') ?? 0,
        low: c.get('low') ?? 0,
        info: c.get('info') ?? 0,
      };
    })
    .sort((a, b) => b.count - a.count || a.owner.localeCompare(b.owner));

  const ages = countBy(
    rows,
    (r) => bucketOf(r.ageDays, FINDING_AGE_BUCKETS),
    FINDING_AGE_BUCKETS.map((b) => b.label),
  );

  // Only days a scan saw: the trend never shows a state nobody observed.
  const overTime = [...(input.snapshots ?? [])].sort((a, b) => a.day.localeCompare(b.day));
  const overTimeSource: OverTimeSource = overTime.length > 0 ? 'metrics' : 'none';
  const scanIntervalHours = input.scanIntervalHours ?? DEFAULT_SCAN_INTERVAL_HOURS;
  const record = input.lastScan;
  const lastScan: LastScan | null = record
    ? (() => {
        const ageMs = Math.max(0, input.now.getTime() - Date.parse(record.asOf));
        return {
          accountId: record.accountId,
          at: record.asOf,
          ranAt: record.ranAt,
          ageHours: Math.floor(ageMs / HOUR_MS),
          overdue: ageMs > scanIntervalHours * HOUR_MS,
        };
      })()
    : null;

  return {
    report: 'findings',
    asOf: input.now.toISOString(),
    scope: input.scope,
    window: input.window,
    total: rows.length,
    bySeverity: SEVERITIES_WORST_FIRST.map((severity) => ({
      severity,
      count: severityCounts.get(severity) ?? 0,
    })),
    byType,
    byOwner,
    withoutOwner,
    byAge: [...ages.entries()].map(([bucket, count]) => ({ bucket, count })),
    overTimeSource,
    overTime,
    scanIntervalHours,
    lastScan,
    findings: rows,
  };
}
