import { exceptionAge, exceptionsView } from '../exceptions/views.js';
import {
  FINDING_COLUMNS,
  findingsOverTime,
  findingsView,
  findingsWarnings,
  lastScanText,
  warningFact,
} from '../findings/views.js';
import { formatDuration } from '../format.js';
import { provisioningLatency, provisioningView } from '../provisioning/views.js';
import { percent, reviewCompletion, reviewsView } from '../reviews/views.js';
import { countCard, type PageParts, type ReportViews, type Section, section, type View } from '../view.js';
import { violationsByCode, violationsView } from '../violations/views.js';
import { type OverviewReport, TOP_FINDINGS } from './build.js';

/** The overview report laid out for people: headline, facts and tables (terminal and HTML). */
export function overviewView(r: OverviewReport): View {
  const parts = [
    findingsView(r.findings),
    exceptionsView(r.exceptions),
    provisioningView(r.provisioning),
    violationsView(r.violations),
    ...(r.reviews ? [reviewsView(r.reviews)] : []),
  ];
  return {
    title: 'nhi-gov overview',
    headline: parts.map((p) => p.headline).join(' '),
    facts: [
      ['last scan', lastScanText(r.findings)] as const,
      ...warningFact(r.findings),
      ...parts.map((p) => [p.title, p.headline] as const),
    ],
    sections: [
      section(
        `Top findings (worst, then oldest, first; ${Math.min(TOP_FINDINGS, r.findings.findings.length)} of ${r.findings.total}: all with nhi-gov report findings)`,
        r.findings.findings.slice(0, TOP_FINDINGS),
        FINDING_COLUMNS,
        'No open findings.',
      ),
      findingsView(r.findings).sections.find((s) => s.title === 'By type') as Section,
      exceptionsView(r.exceptions).sections.find((s) => s.title === 'By owner') as Section,
      provisioningView(r.provisioning).sections.find((s) => s.title === 'By kind') as Section,
      violationsView(r.violations).sections.find((s) => s.title === 'Refused attempts by code') as Section,
      ...(r.reviews ? [reviewsView(r.reviews).sections[0] as Section] : []),
    ].map((s, i) => (i === 0 ? s : { ...s, title: `${parts[i - 1]?.title}: ${s.title.toLowerCase()}` })),
  };
}

/** The cards and charts of the overview page. */
export function overviewPage(r: OverviewReport): PageParts {
  const grant = r.provisioning.byDirection.find((d) => d.direction === 'grant');
  return {
    warnings: findingsWarnings(r.findings),
    charts: [
      findingsOverTime(r.findings),
      exceptionAge(r.exceptions),
      provisioningLatency(r.provisioning),
      violationsByCode(r.violations),
      ...(r.reviews ? [reviewCompletion(r.reviews)] : []),
    ],
    cards: [
      countCard('open findings', r.findings.total, 'warn'),
      countCard(
        'critical + high',
        r.findings.bySeverity
          .filter((s) => s.severity === 'critical' || s.severity === 'high')
          .reduce((n, s) => n + s.count, 0),
        'bad',
      ),
      countCard('active exceptions', r.exceptions.summary.active),
      countCard('exceptions past expiry', r.exceptions.summary.overdue, 'bad'),
      { label: 'median time to grant', value: formatDuration(grant?.medianMs) },
      // The same number as the headline and the sum of the violations chart's bars.
      countCard('violations', r.violations.summary.total, 'bad'),
      ...(r.reviews ? [{ label: 'review completion', value: percent(r.reviews.summary.completionPct) }] : []),
    ],
  };
}

export const OVERVIEW_VIEWS: ReportViews<OverviewReport> = { view: overviewView, page: overviewPage };
