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
import type { ReviewsReport } from './build.js';

/** The reviews report laid out for people: headline, facts and tables (terminal and HTML). */
export function reviewsView(r: ReviewsReport): View {
  const s = r.summary;
  return {
    title: 'Certification reviews',
    headline:
      s.campaigns === 0
        ? 'No certification campaigns.'
        : `${plural(s.campaigns, 'campaign')} (${s.open} open, ${s.overdueCampaigns} overdue): ${s.reviewed} of ${s.items} items reviewed (${s.completionPct === null ? 'nothing to review' : `${s.completionPct}%`}), ${plural(s.overdueItems, 'item')} overdue.`,
    facts: [
      [
        'reviewers',
        r.byReviewer.length
          ? r.byReviewer.map((b) => `${shortArn(b.reviewer)} (${b.reviewed})`).join(', ')
          : '-',
      ],
    ],
    sections: [
      section(
        'Campaigns',
        r.campaigns,
        [
          { header: 'campaign', value: (c) => c.name },
          { header: 'id', value: (c) => c.campaignId },
          { header: 'status', value: (c) => (c.overdue ? 'open, overdue' : c.status) },
          { header: 'due', value: (c) => formatTime(c.dueAt) },
          { header: 'items', value: (c) => c.items },
          { header: 'reviewed', value: (c) => c.reviewed },
          { header: 'kept', value: (c) => c.kept },
          { header: 'revoked', value: (c) => c.revoked },
          { header: 'complete', value: (c) => `${c.completionPct}%` },
        ],
        'No campaigns.',
      ),
      section(
        'Overdue items',
        r.overdueItems,
        [
          { header: 'campaign', value: (i) => i.campaignName },
          { header: 'days overdue', value: (i) => i.daysOverdue },
          { header: 'identity', value: (i) => i.identityKey },
          { header: 'entitlement', value: (i) => i.entitlementKey },
          { header: 'owner', value: (i) => i.owner ?? '-' },
        ],
        'No overdue items.',
      ),
    ],
  };
}

export const percent = (pct: number | null) => (pct === null ? '-' : `${pct}%`);

export function reviewCompletion(r: ReviewsReport): ChartSpec {
  return {
    title: 'Review completion',
    kind: 'bar',
    chart: {
      label: 'Certification completion per campaign',
      empty: 'No certification campaigns',
      categories: r.campaigns.map((c) => c.name),
      series: [{ name: 'complete', color: PALETTE.good, values: r.campaigns.map((c) => c.completionPct) }],
      format: (v) => `${Math.round(v)}%`,
    },
    caption: 'Share of each campaign’s items reviewed (kept or revoked).',
  };
}

/** The CSV of the reviews report: its detail rows, full timestamps and raw numbers. */
export function reviewsCsv(r: ReviewsReport): Grid {
  return grid(r.campaigns, [
    { header: 'campaignId', value: (c) => c.campaignId },
    { header: 'name', value: (c) => c.name },
    { header: 'status', value: (c) => c.status },
    { header: 'overdue', value: (c) => String(c.overdue) },
    { header: 'createdAt', value: (c) => c.createdAt },
    { header: 'dueAt', value: (c) => c.dueAt },
    { header: 'items', value: (c) => c.items },
    { header: 'reviewed', value: (c) => c.reviewed },
    { header: 'kept', value: (c) => c.kept },
    { header: 'revoked', value: (c) => c.revoked },
    { header: 'pending', value: (c) => c.pending },
    { header: 'completionPct', value: (c) => c.completionPct },
  ]);
}

/** The cards and charts of the reviews page. */
export function reviewsPage(r: ReviewsReport): PageParts {
  return {
    charts: [reviewCompletion(r)],
    cards: [
      { label: 'completion', value: percent(r.summary.completionPct) },
      countCard('open campaigns', r.summary.open),
      countCard('overdue campaigns', r.summary.overdueCampaigns, 'bad'),
      countCard('overdue items', r.summary.overdueItems, 'bad'),
    ],
  };
}

export const REVIEWS_VIEWS: ReportViews<ReviewsReport> = {
  view: reviewsView,
  csv: reviewsCsv,
  page: reviewsPage,
};
