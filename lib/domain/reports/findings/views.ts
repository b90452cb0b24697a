import { HOUR_MS } from '../../primitives.js';
import type { FindingRow } from '../common.js';
import { FINDING_CSV_COLUMNS } from '../finding-columns.js';
import { formatDuration, formatTime } from '../format.js';
import { daysInRange } from '../stats.js';
import {
  type ChartSpec,
  type Column,
  countCard,
  type Grid,
  grid,
  PALETTE,
  type PageParts,
  plural,
  type ReportViews,
  section,
  type View,
} from '../view.js';
import type { FindingsOverTimePoint, FindingsReport } from './build.js';

export const FINDING_COLUMNS: readonly Column<FindingRow>[] = [
  { header: 'severity', value: (r) => r.severity },
  { header: 'type', value: (r) => r.type },
  { header: 'identity', value: (r) => r.identityKey },
  { header: 'owner', value: (r) => r.owner ?? '-' },
  { header: 'age (days)', value: (r) => r.ageDays },
  { header: 'status', value: (r) => r.status },
  { header: 'title', value: (r) => r.title },
  { header: 'account', value: (r) => r.accountId ?? '-' },
];

/** When the last scan ran, and whether that is older than the scan interval. */
export function lastScanText(r: FindingsReport): string {
  if (!r.lastScan) return 'never: no scan has stored its results yet (run nhi-gov scan)';
  const age = formatDuration(r.lastScan.ageHours * HOUR_MS);
  const ago = age === '0s' ? 'less than an hour' : age;
  const ran = r.lastScan.ranAt === r.lastScan.at ? '' : `, ran ${formatTime(r.lastScan.ranAt)}`;
  return `as of ${formatTime(r.lastScan.at)} (${ago} ago; account ${r.lastScan.accountId}${ran})`;
}

/** The warning a findings page carries when its data may be out of date. */
export function staleScanWarning(r: FindingsReport): string | undefined {
  if (!r.lastScan) return 'No scan has stored its results yet: these findings may not reflect IAM.';
  if (!r.lastScan.overdue) return undefined;
  return `The last scan ran ${formatTime(r.lastScan.at)}, more than the scan interval (${r.scanIntervalHours}h) ago: these findings may be out of date.`;
}

export const warningFact = (r: FindingsReport): (readonly [string, string])[] => {
  const warning = staleScanWarning(r);
  return warning ? [['WARNING', warning]] : [];
};

/** "No owner" is a finding to fix, not an owner: one number, and where to see who lacks one. */
export function withoutOwnerText(r: FindingsReport): string {
  if (r.withoutOwner === 0) return 'none: every finding names an owner';
  return `${plural(r.withoutOwner, 'finding')} name no owner (an NHI without an owner is an orphaned-identity finding: nhi-gov report findings --type orphaned-identity)`;
}

/** The findings report laid out for people: headline, facts and tables (terminal and HTML). */
export function findingsView(r: FindingsReport): View {
  const scope = [
    r.scope.owner ? `owner ${r.scope.owner}` : undefined,
    r.scope.type ? `type ${r.scope.type}` : undefined,
    r.scope.minSeverity ? `severity ≥ ${r.scope.minSeverity}` : undefined,
    r.scope.account ? `account ${r.scope.account}` : undefined,
  ].filter(Boolean);
  const latest = r.overTime.at(-1);
  const first = r.overTime[0];
  return {
    title: `Findings (${r.scope.status})`,
    headline:
      r.total === 0
        ? `No ${r.scope.status} findings${scope.length ? ` for ${scope.join(', ')}` : ''}.`
        : `${plural(r.total, `${r.scope.status} finding`)}: ${r.bySeverity
            .filter((s) => s.count > 0)
            .map((s) => `${s.count} ${s.severity}`)
            .join(', ')}.`,
    facts: [
      ['scope', scope.length ? scope.join(', ') : 'all'],
      // A fold, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
      [
        'oldest',
        r.findings.length
          ? `${r.findings.reduce((m, f) => Math.max(m, f.ageDays), Number.NEGATIVE_INFINITY)} days`
          : '-',
      ],
      ['last scan', lastScanText(r)],
      ...warningFact(r),
      ['no owner', withoutOwnerText(r)],
      [
        'trend',
        first && latest
          ? `${first.total} on ${first.day} → ${latest.total} on ${latest.day} (${plural(r.overTime.length, 'day')} with a scan)`
          : 'no scan in the window',
      ],
    ],
    sections: [
      section(
        'By type',
        r.byType,
        [
          { header: 'type', value: (t) => t.type },
          { header: 'count', value: (t) => t.count },
          { header: 'worst', value: (t) => t.worstSeverity },
          { header: 'oldest (days)', value: (t) => t.oldestDays },
        ],
        'none',
      ),
      section(
        'By owner',
        r.byOwner,
        [
          { header: 'owner', value: (o) => o.owner },
          { header: 'count', value: (o) => o.count },
          { header: 'critical', value: (o) => o.critical },
          { header: 'high', value: (o) => o.high },
          { header: 'medium', value: (o) => o.medium },
          { header: 'low', value: (o) => o.low },
          { header: 'info', value: (o) => o.info },
        ],
        'none',
      ),
      section(
        'By age',
        r.byAge,
        [
          { header: 'age', value: (a) => a.bucket },
          { header: 'count', value: (a) => a.count },
        ],
        'none',
      ),
      section('Findings', r.findings, FINDING_COLUMNS, 'No findings.'),
    ],
  };
}

export function findingsOverTime(r: FindingsReport): ChartSpec {
  // Every day of the window on the axis, a point only on the days a scan ran: no line across days
  // nobody looked at.
  const days = daysInRange(new Date(r.window.since), new Date(r.window.until));
  const byDay = new Map(r.overTime.map((p) => [p.day, p]));
  const value = (f: (p: FindingsOverTimePoint) => number) =>
    days.map((d) => {
      const p = byDay.get(d);
      return p ? f(p) : null;
    });
  return {
    title: 'Findings over time',
    kind: 'line',
    chart: {
      label: 'Open findings on the days a scan ran',
      empty: 'No scan in the window',
      categories: days,
      breakOnGaps: true,
      series: [
        { name: 'all open', color: PALETTE.primary, values: value((p) => p.total) },
        { name: 'critical + high', color: PALETTE.critical, values: value((p) => p.critical + p.high) },
      ],
    },
    caption: `Open findings as each scan saw them: one point per day a scan ran (${r.overTime.length} in the window), none where no scan ran. Last scan: ${lastScanText(r)}.`,
  };
}

function findingsBySeverity(r: FindingsReport): ChartSpec {
  return {
    title: 'By severity',
    kind: 'bar',
    chart: {
      label: 'Findings by severity',
      empty: 'No findings',
      categories: r.bySeverity.map((s) => s.severity),
      series: [
        {
          name: 'findings',
          color: PALETTE.high,
          values: r.bySeverity.map((s) => s.count),
          colors: r.bySeverity.map((s) => PALETTE[s.severity]),
        },
      ],
    },
    caption: `${r.total} ${r.scope.status} findings in scope.`,
  };
}

function findingsByAge(r: FindingsReport): ChartSpec {
  return {
    title: 'Finding age',
    kind: 'bar',
    chart: {
      label: 'Findings by age',
      empty: 'No findings',
      categories: r.byAge.map((a) => a.bucket),
      series: [{ name: 'findings', color: PALETTE.secondary, values: r.byAge.map((a) => a.count) }],
    },
    caption: 'Days since each finding was first seen.',
  };
}

/** The CSV of the findings report: its detail rows, full timestamps and raw numbers. */
export function findingsCsv(r: FindingsReport): Grid {
  return grid(r.findings, FINDING_CSV_COLUMNS);
}

/** The cards and charts of the findings page. */
export function findingsPage(r: FindingsReport): PageParts {
  const sev = (s: string) => r.bySeverity.find((b) => b.severity === s)?.count ?? 0;
  return {
    warnings: findingsWarnings(r),
    charts: [findingsOverTime(r), findingsBySeverity(r), findingsByAge(r)],
    cards: [
      countCard(`${r.scope.status} findings`, r.total, 'warn'),
      countCard('critical', sev('critical'), 'bad'),
      countCard('high', sev('high'), 'bad'),
      countCard('owners', r.byOwner.length),
      countCard('no owner', r.withoutOwner, 'warn'),
    ],
  };
}

/** Warnings at the top of a page whose findings may be out of date. */
export function findingsWarnings(r: FindingsReport): string[] {
  const warning = staleScanWarning(r);
  return warning ? [warning] : [];
}

export const FINDINGS_VIEWS: ReportViews<FindingsReport> = {
  view: findingsView,
  csv: findingsCsv,
  page: findingsPage,
};
