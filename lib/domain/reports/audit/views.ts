import { formatTime, joinList, shortArn } from '../format.js';
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
import type { AuditReport } from './build.js';

/** The audit report laid out for people: headline, facts and tables (terminal and HTML). */
export function auditView(r: AuditReport): View {
  const subject =
    r.subject.type === 'decision' ? `decision ${r.subject.decisionId}` : `identity ${r.subject.identityKey}`;
  const s = r.summary;
  return {
    title: `Audit of ${subject}`,
    headline:
      s.decisions + s.executions + s.findings === 0
        ? `Nothing recorded about ${subject}.`
        : `${plural(s.decisions, 'decision')}, ${plural(s.approvals, 'approval')}, ${plural(s.deniedAttempts, 'refused attempt')}, ${plural(s.executions, 'execution record')}, ${plural(s.findings, 'finding')} (${s.openFindings} open).`,
    facts: r.subject.type === 'decision' ? [['identity', r.subject.identityKey ?? '-']] : [],
    sections: [
      section(
        'Decisions',
        r.decisions,
        [
          { header: 'decision', value: (d) => d.id },
          { header: 'kind', value: (d) => d.kind },
          { header: 'status', value: (d) => `${d.status} (v${d.version})` },
          { header: 'tier', value: (d) => (d.tierRule ? `${d.tier} (${d.tierRule})` : d.tier) },
          {
            header: 'escalation',
            value: (d) =>
              d.escalation
                ? d.escalation.completes.length > 0
                  ? joinList(d.escalation.completes.map((p) => `${p.id} [${p.certainty}]`))
                  : d.escalation.analysed
                    ? 'none'
                    : 'unanalysable'
                : '-',
          },
          { header: 'requester', value: (d) => shortArn(d.requester) },
          { header: 'approvers', value: (d) => joinList(d.approvals.map((a) => shortArn(a.approver))) },
          { header: 'policy', value: (d) => d.policyVersion },
          { header: 'created', value: (d) => formatTime(d.createdAt) },
          { header: 'expires', value: (d) => formatTime(d.expiresAt) },
        ],
        'No decisions.',
      ),
      section(
        'Timeline',
        r.timeline,
        [
          { header: 'when', value: (t) => formatTime(t.at) },
          { header: 'source', value: (t) => t.source },
          { header: 'actor', value: (t) => shortArn(t.actor) },
          { header: 'event', value: (t) => t.event },
          { header: 'detail', value: (t) => t.detail },
        ],
        'Nothing happened yet.',
      ),
    ],
  };
}

function auditChart(r: AuditReport): ChartSpec {
  const sources = ['decision', 'approval', 'denied-attempt', 'execution', 'finding'] as const;
  return {
    title: 'Trail by source',
    kind: 'bar',
    chart: {
      label: 'Audit trail entries by source',
      empty: 'Nothing recorded',
      categories: [...sources],
      series: [
        {
          name: 'entries',
          color: PALETTE.primary,
          values: sources.map((s) => r.timeline.filter((t) => t.source === s).length),
        },
      ],
    },
    caption: 'Entries of the timeline below, by where they were recorded.',
  };
}

/** The CSV of the audit report: its detail rows, full timestamps and raw numbers. */
export function auditCsv(r: AuditReport): Grid {
  return grid(r.timeline, [
    { header: 'at', value: (t) => t.at },
    { header: 'source', value: (t) => t.source },
    { header: 'decisionId', value: (t) => t.decisionId },
    { header: 'actor', value: (t) => t.actor },
    { header: 'event', value: (t) => t.event },
    { header: 'detail', value: (t) => t.detail },
  ]);
}

/** The cards and charts of the audit page. */
export function auditPage(r: AuditReport): PageParts {
  return {
    charts: [auditChart(r)],
    cards: [
      countCard('decisions', r.summary.decisions),
      countCard('approvals', r.summary.approvals),
      countCard('refused attempts', r.summary.deniedAttempts, 'warn'),
      countCard('executions', r.summary.executions),
      countCard('open findings', r.summary.openFindings, 'bad'),
    ],
  };
}

export const AUDIT_VIEWS: ReportViews<AuditReport> = { view: auditView, csv: auditCsv, page: auditPage };
