import { formatTime, joinList } from '../format.js';
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
import type { ExceptionsReport } from './build.js';

/** The exceptions report laid out for people: headline, facts and tables (terminal and HTML). */
export function exceptionsView(r: ExceptionsReport): View {
  const s = r.summary;
  return {
    title: 'Exceptions',
    headline:
      r.exceptions.length === 0
        ? 'No active or expired exceptions.'
        : `${plural(s.active, 'active exception')} (${s.expiringSoon} expiring within ${r.expiringWithinDays} days), ${s.overdue} past expiry but still approved, ${s.expired} expired.`,
    facts: [
      ['median age of active', s.medianActiveAgeDays === null ? '-' : `${s.medianActiveAgeDays} days`],
      ['oldest active', s.oldestActiveAgeDays === null ? '-' : `${s.oldestActiveAgeDays} days`],
    ],
    sections: [
      section(
        'By owner',
        r.byOwner,
        [
          { header: 'owner', value: (o) => o.owner },
          { header: 'active', value: (o) => o.active },
          { header: 'overdue', value: (o) => o.overdue },
          { header: 'expired', value: (o) => o.expired },
          { header: 'next expiry', value: (o) => formatTime(o.nextExpiry) },
        ],
        'none',
      ),
      section(
        'Age distribution (days in force)',
        r.ageDistribution,
        [
          { header: 'age', value: (a) => a.bucket },
          { header: 'in force', value: (a) => a.inForce },
          { header: 'expired', value: (a) => a.expired },
        ],
        'none',
      ),
      section(
        'Exceptions',
        r.exceptions,
        [
          { header: 'state', value: (e) => e.state },
          { header: 'decision', value: (e) => e.decisionId },
          { header: 'identity', value: (e) => e.identityKey },
          { header: 'owner', value: (e) => e.owner },
          { header: 'covers', value: (e) => joinList(e.findingTypes) },
          { header: 'residual', value: (e) => e.residualSeverity ?? '-' },
          { header: 'expires', value: (e) => formatTime(e.expiresAt) },
          { header: 'days left', value: (e) => e.daysToExpiry },
          { header: 'age (days)', value: (e) => e.ageDays },
        ],
        'No exceptions.',
      ),
    ],
  };
}

export function exceptionAge(r: ExceptionsReport): ChartSpec {
  return {
    title: 'Exception age',
    kind: 'bar',
    chart: {
      label: 'Exceptions by days in force',
      empty: 'No exceptions',
      categories: r.ageDistribution.map((a) => a.bucket),
      series: [
        { name: 'in force', color: PALETTE.high, values: r.ageDistribution.map((a) => a.inForce) },
        { name: 'expired', color: PALETTE.muted, values: r.ageDistribution.map((a) => a.expired) },
      ],
    },
    caption:
      'Days each exception has been in force (expired ones: how long they lasted). Exceptions are meant to be short.',
  };
}

/** The CSV of the exceptions report: its detail rows, full timestamps and raw numbers. */
export function exceptionsCsv(r: ExceptionsReport): Grid {
  return grid(r.exceptions, [
    { header: 'decisionId', value: (e) => e.decisionId },
    { header: 'state', value: (e) => e.state },
    { header: 'identityKey', value: (e) => e.identityKey },
    { header: 'owner', value: (e) => e.owner },
    { header: 'riskOwner', value: (e) => e.riskOwner },
    { header: 'residualSeverity', value: (e) => e.residualSeverity },
    { header: 'findingTypes', value: (e) => e.findingTypes.join('; ') },
    { header: 'approvedAt', value: (e) => e.approvedAt },
    { header: 'approvers', value: (e) => e.approvers.join('; ') },
    { header: 'expiresAt', value: (e) => e.expiresAt },
    { header: 'daysToExpiry', value: (e) => e.daysToExpiry },
    { header: 'ageDays', value: (e) => e.ageDays },
    { header: 'renewalOf', value: (e) => e.renewalOf },
    { header: 'policyVersion', value: (e) => e.policyVersion },
  ]);
}

/** The cards and charts of the exceptions page. */
export function exceptionsPage(r: ExceptionsReport): PageParts {
  return {
    charts: [exceptionAge(r)],
    cards: [
      countCard('active', r.summary.active),
      countCard(`expiring in ${r.expiringWithinDays}d`, r.summary.expiringSoon, 'warn'),
      countCard('past expiry', r.summary.overdue, 'bad'),
      countCard('expired', r.summary.expired),
    ],
  };
}

export const EXCEPTIONS_VIEWS: ReportViews<ExceptionsReport> = {
  view: exceptionsView,
  csv: exceptionsCsv,
  page: exceptionsPage,
};
