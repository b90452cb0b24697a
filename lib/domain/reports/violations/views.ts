import { FINDING_COLUMNS } from '../findings/views.js';
import { formatTime, shortArn } from '../format.js';
import {
  type ChartSpec,
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
import type { ViolationsReport } from './build.js';

/** The violations report laid out for people: headline, facts and tables (terminal and HTML). */
export function violationsView(r: ViolationsReport): View {
  const s = r.summary;
  return {
    title: 'Violations',
    headline:
      s.total === 0
        ? 'No violations: none in the window, and none open.'
        : `${plural(s.total, 'violation')}: ${plural(s.separationOfDuties, 'separation-of-duties refusal')}, ${plural(s.policyDenials, 'policy denial')}, ${plural(s.forgedEvents, 'forged event')}, ${s.unapprovedAccess} unapproved access.`,
    facts: [['window', `${formatTime(r.window.since)} → ${formatTime(r.window.until)}`]],
    sections: [
      section(
        'Refused attempts by code',
        r.byCode,
        [
          { header: 'code', value: (c) => c.code },
          { header: 'category', value: (c) => c.category },
          { header: 'count', value: (c) => c.count },
        ],
        'none',
      ),
      section(
        'Refused attempts',
        r.deniedAttempts,
        [
          { header: 'when', value: (a) => formatTime(a.at) },
          { header: 'actor', value: (a) => shortArn(a.actor) },
          { header: 'action', value: (a) => a.action },
          { header: 'decision', value: (a) => a.decisionId },
          { header: 'category', value: (a) => a.category },
          { header: 'reason', value: (a) => a.reason },
        ],
        'No refused attempts.',
      ),
      section('Forged events and unapproved access', r.findings, FINDING_COLUMNS, 'None.'),
    ],
  };
}

export function violationsByCode(r: ViolationsReport): ChartSpec {
  const categories = ['separation of duties', 'policy denials', 'forged events', 'unapproved access'];
  const s = r.summary;
  return {
    title: 'Violations',
    kind: 'bar',
    chart: {
      label: 'Violations by category',
      empty: 'No violations in the window',
      categories,
      series: [
        {
          name: 'count',
          color: PALETTE.critical,
          values: [s.separationOfDuties, s.policyDenials, s.forgedEvents, s.unapprovedAccess],
        },
      ],
    },
    caption: 'Refused attempts (the controls working) and findings that should never exist.',
  };
}

/** The CSV of the violations report: its detail rows, full timestamps and raw numbers. */
export function violationsCsv(r: ViolationsReport): Grid {
  type Row = { readonly [k: string]: string | null };
  const rows: Row[] = [
    ...r.deniedAttempts.map((a) => ({
      record: 'denied-attempt',
      at: a.at,
      category: a.category,
      code: a.code,
      actorOrIdentity: a.actor,
      action: a.action,
      decisionId: a.decisionId,
      findingId: null,
      severity: null,
      detail: a.reason,
    })),
    ...r.findings.map((f) => ({
      record: 'finding',
      at: f.lastSeen,
      category: f.type,
      code: f.status,
      actorOrIdentity: f.identityKey,
      action: null,
      decisionId: null,
      findingId: f.id,
      severity: f.severity,
      detail: f.title,
    })),
  ];
  const keys = [
    'record',
    'at',
    'category',
    'code',
    'actorOrIdentity',
    'action',
    'decisionId',
    'findingId',
    'severity',
    'detail',
  ];
  return grid(
    rows,
    keys.map((k) => ({ header: k, value: (r: Row) => r[k] ?? null })),
  );
}

/** The cards and charts of the violations page. */
export function violationsPage(r: ViolationsReport): PageParts {
  return {
    charts: [violationsByCode(r)],
    cards: [
      countCard('separation of duties', r.summary.separationOfDuties, 'warn'),
      countCard('policy denials', r.summary.policyDenials),
      countCard('forged events', r.summary.forgedEvents, 'bad'),
      countCard('unapproved access', r.summary.unapprovedAccess, 'bad'),
    ],
  };
}

export const VIOLATIONS_VIEWS: ReportViews<ViolationsReport> = {
  view: violationsView,
  csv: violationsCsv,
  page: violationsPage,
};
