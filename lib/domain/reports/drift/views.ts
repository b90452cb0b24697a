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
import type { DriftReport } from './build.js';

/** The drift report laid out for people: headline, facts and tables (terminal and HTML). */
export function driftView(r: DriftReport): View {
  const s = r.summary;
  const bad = s.notApproved + s.noDecision + s.unapprovedAccess;
  return {
    title: 'Drift: IAM changes and the decisions behind them',
    headline:
      s.changes === 0 && s.unapprovedAccess === 0 && s.changedDocuments === 0
        ? 'No IAM changes in the window and no access without a decision.'
        : `${plural(s.changes, 'IAM change')}, ${s.approved} backed by an approved decision; ${plural(bad, 'change')} with none${s.changedDocuments > 0 ? `; ${plural(s.changedDocuments, 'document')} changed since approval` : ''}.`,
    facts: [
      ['window', `${formatTime(r.window.since)} → ${formatTime(r.window.until)}`],
      ['identities', r.identities ? r.identities.join(', ') : 'every identity changed in the window'],
      ['no decision', String(s.noDecision)],
      ['decision never approved', String(s.notApproved)],
      ['unapproved access (scanner)', String(s.unapprovedAccess)],
      ['documents changed since approval', String(s.changedDocuments)],
    ],
    sections: [
      section(
        'Changes with a decision trail',
        r.changes,
        [
          { header: 'when', value: (c) => formatTime(c.at) },
          { header: 'identity', value: (c) => c.identityKey },
          { header: 'change', value: (c) => joinList(c.changes, '; ') },
          { header: 'decision', value: (c) => `${c.decisionId} v${c.decisionVersion}` },
          { header: 'kind', value: (c) => c.kind },
          { header: 'approvers', value: (c) => joinList(c.approvals.map((a) => shortArn(a.approver))) },
          { header: 'decided by', value: (c) => shortArn(c.decidedBy) },
          { header: 'policy', value: (c) => c.policyVersion ?? '-' },
          { header: 'verdict', value: (c) => c.verdict },
        ],
        'No IAM changes in the window.',
      ),
      section(
        'Access with no decision behind it',
        r.unapproved,
        [
          { header: 'severity', value: (f) => f.severity },
          { header: 'identity', value: (f) => f.identityKey },
          { header: 'title', value: (f) => f.title },
          { header: 'first seen', value: (f) => formatTime(f.firstSeen) },
          { header: 'owner', value: (f) => f.owner ?? '-' },
        ],
        'None: every access the scanners saw has an approved decision.',
      ),
      section(
        'Documents changed since approval',
        r.changedDocuments,
        [
          { header: 'severity', value: (f) => f.severity },
          { header: 'identity', value: (f) => f.identityKey },
          { header: 'title', value: (f) => f.title },
          { header: 'first seen', value: (f) => formatTime(f.firstSeen) },
          { header: 'owner', value: (f) => f.owner ?? '-' },
        ],
        'None: every pinned document is still the approved one.',
      ),
    ],
  };
}

function driftChart(r: DriftReport): ChartSpec {
  const s = r.summary;
  return {
    title: 'IAM changes by verdict',
    kind: 'bar',
    chart: {
      label: 'IAM changes by verdict',
      empty: 'No IAM changes in the window',
      categories: ['approved decision', 'never approved', 'no decision', 'unapproved access'],
      series: [
        {
          name: 'changes',
          color: PALETTE.primary,
          values: [s.approved, s.notApproved, s.noDecision, s.unapprovedAccess],
        },
      ],
    },
    caption: 'Every change should sit in the first column; anything else is drift.',
  };
}

/** The CSV of the drift report: its detail rows, full timestamps and raw numbers. */
export function driftCsv(r: DriftReport): Grid {
  type Row = Record<string, string | number | null>;
  const rows: Row[] = [
    ...r.changes.map((c) => ({
      verdict: c.verdict,
      at: c.at,
      identityKey: c.identityKey,
      change: c.changes.join('; '),
      executionStatus: c.executionStatus,
      executor: c.executor,
      decisionId: c.decisionId,
      decisionVersion: c.decisionVersion,
      kind: c.kind,
      decisionStatus: c.decisionStatus,
      requester: c.requester,
      approvers: c.approvals.map((a) => a.approver).join('; '),
      policyVersion: c.policyVersion,
      findingId: null,
      severity: null,
    })),
    ...[...r.unapproved, ...r.changedDocuments].map((f) => ({
      verdict: f.type,
      at: f.firstSeen,
      identityKey: f.identityKey,
      change: f.title,
      executionStatus: null,
      executor: null,
      decisionId: null,
      decisionVersion: null,
      kind: null,
      decisionStatus: null,
      requester: null,
      approvers: null,
      policyVersion: null,
      findingId: f.id,
      severity: f.severity,
    })),
  ];
  const keys = [
    'verdict',
    'at',
    'identityKey',
    'change',
    'executionStatus',
    'executor',
    'decisionId',
    'decisionVersion',
    'kind',
    'decisionStatus',
    'requester',
    'approvers',
    'policyVersion',
    'findingId',
    'severity',
  ];
  return grid(
    rows,
    keys.map((k) => ({ header: k, value: (r: Row) => r[k] ?? null })),
  );
}

/** The cards and charts of the drift page. */
export function driftPage(r: DriftReport): PageParts {
  return {
    charts: [driftChart(r)],
    cards: [
      countCard('IAM changes', r.summary.changes),
      countCard('with approved decision', r.summary.approved),
      countCard('no decision', r.summary.noDecision + r.summary.notApproved, 'bad'),
      countCard('unapproved access', r.summary.unapprovedAccess, 'bad'),
    ],
  };
}

export const DRIFT_VIEWS: ReportViews<DriftReport> = { view: driftView, csv: driftCsv, page: driftPage };
