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
import { bucketOf, FINDING_AGE_BUCKETS } from '../stats.js';

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
    /** Only findings of this account; present only when the report was asked for one. */
    readonly account?: string;
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
  /**
   * The findings in scope, worst then oldest first: every one in the findings report; in the overview
   * only the worst few (`total` still counts them all).
   */
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

/** Per-owner severity counts, as the report lists them. */
interface OwnerCounts {
  count: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
}

/**
 * Counts findings as they arrive, a page at a time, in time linear in their number: by severity, type,
 * owner and age, keeping every row (the findings report) or only the worst `keep` (the overview, which
 * then holds a few rows and the counts, never every open finding).
 */
export class FindingsTally {
  private readonly bySeverity = new Map<Severity, number>(SEVERITIES_WORST_FIRST.map((s) => [s, 0]));
  private readonly byType = new Map<FindingType, { count: number; worst: FindingRow; oldestDays: number }>();
  private readonly byOwner = new Map<string, OwnerCounts>();
  private readonly byAge = new Map<string, number>(FINDING_AGE_BUCKETS.map((b) => [b.label, 0]));
  private rows: FindingRow[] = [];
  private total = 0;
  private withoutOwner = 0;

  /** @param keep how many rows to keep, worst first; every row when omitted. */
  constructor(
    private readonly now: Date,
    private readonly keep?: number,
  ) {}

  /** Counts these findings in. */
  add(findings: readonly Finding[]): void {
    for (const f of findings) {
      const r = findingRow(f, this.now);
      this.total += 1;
      this.bySeverity.set(r.severity, (this.bySeverity.get(r.severity) ?? 0) + 1);
      const t = this.byType.get(r.type);
      if (!t) this.byType.set(r.type, { count: 1, worst: r, oldestDays: r.ageDays });
      else {
        t.count += 1;
        if (compareFindings(r, t.worst) < 0) t.worst = r;
        if (r.ageDays > t.oldestDays) t.oldestDays = r.ageDays;
      }
      if (!r.owner) this.withoutOwner += 1;
      else {
        const o = this.byOwner.get(r.owner) ?? { count: 0, critical: 0, high: 0, medium: 0, low: 0, info: 0 };
        o.count += 1;
        o[r.severity] += 1;
        this.byOwner.set(r.owner, o);
      }
      const bucket = bucketOf(r.ageDays, FINDING_AGE_BUCKETS);
      this.byAge.set(bucket, (this.byAge.get(bucket) ?? 0) + 1);
      this.rows.push(r);
    }
    // Keeping the worst few: sort and cut whenever twice as many are held, so memory stays at 2 x keep.
    if (this.keep !== undefined && this.rows.length > 2 * this.keep) this.trim(this.keep);
  }

  private trim(keep: number): void {
    this.rows.sort(compareFindings);
    this.rows.length = Math.min(this.rows.length, keep);
  }

  /** The report of everything counted so far. */
  report(input: Omit<FindingsReportInput, 'findings' | 'now'>): FindingsReport {
    if (this.keep !== undefined) this.trim(this.keep);
    else this.rows.sort(compareFindings);
    const byType = [...this.byType.entries()]
      .map(([type, t]) => ({
        type,
        count: t.count,
        worstSeverity: t.worst.severity,
        oldestDays: t.oldestDays,
      }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    const byOwner = [...this.byOwner.entries()]
      .map(([owner, c]) => ({ owner, ...c }))
      .sort((a, b) => b.count - a.count || a.owner.localeCompare(b.owner));

    // Only days a scan saw: the trend never shows a state nobody observed.
    const overTime = [...(input.snapshots ?? [])].sort((a, b) => a.day.localeCompare(b.day));
    const overTimeSource: OverTimeSource = overTime.length > 0 ? 'metrics' : 'none';
    const scanIntervalHours = input.scanIntervalHours ?? DEFAULT_SCAN_INTERVAL_HOURS;
    const record = input.lastScan;
    const lastScan: LastScan | null = record
      ? (() => {
          const ageMs = Math.max(0, this.now.getTime() - Date.parse(record.asOf));
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
      asOf: this.now.toISOString(),
      scope: input.scope,
      window: input.window,
      total: this.total,
      bySeverity: SEVERITIES_WORST_FIRST.map((severity) => ({
        severity,
        count: this.bySeverity.get(severity) ?? 0,
      })),
      byType,
      byOwner,
      withoutOwner: this.withoutOwner,
      byAge: [...this.byAge.entries()].map(([bucket, count]) => ({ bucket, count })),
      overTimeSource,
      overTime,
      scanIntervalHours,
      lastScan,
      findings: this.rows,
    };
  }
}

/** Open findings by type, severity, owner and age, with the series for "findings over time". */
export function buildFindingsReport(input: FindingsReportInput): FindingsReport {
  const tally = new FindingsTally(input.now);
  tally.add(input.findings);
  return tally.report(input);
}
