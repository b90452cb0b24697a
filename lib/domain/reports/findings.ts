import type { Finding, FindingStatus, FindingType } from '../finding.js';
import type { Severity } from '../primitives.js';
import {
  compareFindings,
  type FindingRow,
  findingRow,
  type ReportWindow,
  SEVERITIES_WORST_FIRST,
} from './common.js';
import { bucketOf, countBy, daysInRange, FINDING_AGE_BUCKETS } from './stats.js';

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
 * Where the series came from: the scanners' daily metrics snapshots when there are any in the window,
 * otherwise derived from the findings' `firstSeen` / `resolvedAt` (an estimate: it cannot see a
 * finding that was suppressed for a while and opened again).
 */
export type OverTimeSource = 'metrics' | 'derived' | 'none';

export interface FindingsReport {
  readonly report: 'findings';
  readonly generatedAt: string;
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
  readonly byOwner: readonly {
    readonly owner: string | null;
    readonly count: number;
    readonly critical: number;
    readonly high: number;
    readonly medium: number;
    readonly low: number;
    readonly info: number;
  }[];
  readonly byAge: readonly { readonly bucket: string; readonly count: number }[];
  readonly overTimeSource: OverTimeSource;
  readonly overTime: readonly FindingsOverTimePoint[];
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
  /** Findings of every status in scope, to derive the series when there are no snapshots. */
  readonly history?: readonly Finding[];
}

const emptyPoint = (day: string): FindingsOverTimePoint => ({
  day,
  total: 0,
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  info: 0,
});

/**
 * Derives open findings per day from first-seen and resolved-at: a finding counts on day D when it was
 * first seen by the end of D and not resolved by then. Suppressed findings are not open.
 */
export function deriveOverTime(history: readonly Finding[], window: ReportWindow): FindingsOverTimePoint[] {
  return daysInRange(new Date(window.since), new Date(window.until)).map((day) => {
    const endOfDay = `${day}T23:59:59.999Z`;
    const point: Record<string, number | string> = { ...emptyPoint(day) };
    for (const f of history) {
      if (f.status === 'suppressed') continue;
      if (f.firstSeen > endOfDay) continue;
      // A resolved finding without a resolvedAt was last open when it was last seen.
      const closedAt = f.resolvedAt ?? (f.status === 'resolved' ? f.lastSeen : undefined);
      if (closedAt !== undefined && closedAt <= endOfDay) continue;
      point.total = (point.total as number) + 1;
      point[f.severity] = (point[f.severity] as number) + 1;
    }
    return point as unknown as FindingsOverTimePoint;
  });
}

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
  for (const r of rows) {
    const key = r.owner ?? '';
    owners.set(key, [...(owners.get(key) ?? []), r]);
  }
  const byOwner = [...owners.entries()]
    .map(([owner, list]) => {
      const c = countBy(list, (r) => r.severity, SEVERITIES_WORST_FIRST);
      return {
        owner: owner === '' ? null : owner,
        count: list.length,
        critical: c.get('critical') ?? 0,
        high: c.get('high') ?? 0,
        medium: c.get('medium') ?? 0,
        low: c.get('low') ?? 0,
        info: c.get('info') ?? 0,
      };
    })
    .sort((a, b) => b.count - a.count || (a.owner ?? '~').localeCompare(b.owner ?? '~'));

  const ages = countBy(
    rows,
    (r) => bucketOf(r.ageDays, FINDING_AGE_BUCKETS),
    FINDING_AGE_BUCKETS.map((b) => b.label),
  );

  let overTimeSource: OverTimeSource = 'none';
  let overTime: FindingsOverTimePoint[] = [];
  if (input.snapshots && input.snapshots.length > 0) {
    overTimeSource = 'metrics';
    overTime = [...input.snapshots].sort((a, b) => a.day.localeCompare(b.day));
  } else if (input.history && input.history.length > 0) {
    overTimeSource = 'derived';
    overTime = deriveOverTime(input.history, input.window);
  }

  return {
    report: 'findings',
    generatedAt: input.now.toISOString(),
    scope: input.scope,
    window: input.window,
    total: rows.length,
    bySeverity: SEVERITIES_WORST_FIRST.map((severity) => ({
      severity,
      count: severityCounts.get(severity) ?? 0,
    })),
    byType,
    byOwner,
    byAge: [...ages.entries()].map(([bucket, count]) => ({ bucket, count })),
    overTimeSource,
    overTime,
    findings: rows,
  };
}
