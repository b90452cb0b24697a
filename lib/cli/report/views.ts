import type { AuditReport } from '../../domain/reports/audit.js';
import type { FindingRow } from '../../domain/reports/common.js';
import type { DriftReport } from '../../domain/reports/drift.js';
import type { ExceptionsReport } from '../../domain/reports/exceptions.js';
import type { FindingsReport } from '../../domain/reports/findings.js';
import type { OverviewReport } from '../../domain/reports/overview.js';
import type { ProvisioningReport } from '../../domain/reports/provisioning.js';
import type { ReviewsReport } from '../../domain/reports/reviews.js';
import type { ViolationsReport } from '../../domain/reports/violations.js';
import { FINDING_CSV_COLUMNS } from '../finding-columns.js';
import type { Column } from '../output.js';
import { formatDuration, formatTime, joinList, shortArn } from './format.js';

/** Every report the renderers know. */
export type AnyReport =
  | FindingsReport
  | DriftReport
  | ExceptionsReport
  | ReviewsReport
  | ProvisioningReport
  | ViolationsReport
  | AuditReport
  | OverviewReport;

/** Rows already turned into text cells, so the terminal, CSV and HTML renderings share one layout. */
export interface Grid {
  readonly headers: readonly string[];
  readonly cells: readonly (readonly string[])[];
}

export interface Section extends Grid {
  readonly title: string;
  /** What to say instead of an empty table. */
  readonly empty: string;
}

/** A report laid out for people: a headline, a few facts, and tables. */
export interface View {
  readonly title: string;
  readonly headline: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly sections: readonly Section[];
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** Turns rows into a grid of text cells with the given columns. */
export function grid<T>(rows: readonly T[], columns: readonly Column<T>[]): Grid {
  return {
    headers: columns.map((c) => c.header),
    cells: rows.map((r) => columns.map((c) => text(c.value(r)))),
  };
}

function section<T>(
  title: string,
  rows: readonly T[],
  columns: readonly Column<T>[],
  empty: string,
): Section {
  return { title, empty, ...grid(rows, columns) };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const FINDING_COLUMNS: readonly Column<FindingRow>[] = [
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
  const age = formatDuration(r.lastScan.ageHours * 3_600_000);
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

const warningFact = (r: FindingsReport): (readonly [string, string])[] => {
  const warning = staleScanWarning(r);
  return warning ? [['WARNING', warning]] : [];
};

/** "No owner" is a finding to fix, not an owner: one number, and where to see who lacks one. */
export function withoutOwnerText(r: FindingsReport): string {
  if (r.withoutOwner === 0) return 'none: every finding names an owner';
  return `${plural(r.withoutOwner, 'finding')} name no owner (an NHI without an owner is an orphaned-identity finding: nhi-gov report findings --type orphaned-identity)`;
}

function findingsView(r: FindingsReport): View {
  const scope = [
    r.scope.owner ? `owner ${r.scope.owner}` : undefined,
    r.scope.type ? `type ${r.scope.type}` : undefined,
    r.scope.minSeverity ? `severity ≥ ${r.scope.minSeverity}` : undefined,
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
      ['oldest', r.findings.length ? `${Math.max(...r.findings.map((f) => f.ageDays))} days` : '-'],
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

function driftView(r: DriftReport): View {
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

function exceptionsView(r: ExceptionsReport): View {
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

function reviewsView(r: ReviewsReport): View {
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

function provisioningView(r: ProvisioningReport): View {
  const stat = {
    count: { header: 'count', value: (g: { count: number }) => g.count },
    failed: { header: 'failed', value: (g: { failed: number }) => g.failed },
    median: { header: 'median', value: (g: { medianMs: number | null }) => formatDuration(g.medianMs) },
    p95: { header: 'p95', value: (g: { p95Ms: number | null }) => formatDuration(g.p95Ms) },
    worst: { header: 'worst', value: (g: { worstMs: number | null }) => formatDuration(g.worstMs) },
  };
  const grant = r.byDirection.find((d) => d.direction === 'grant');
  const remove = r.byDirection.find((d) => d.direction === 'remove');
  return {
    title: 'Provisioning latency',
    headline:
      r.executions.length === 0
        ? 'No executions in the window.'
        : [
            grant
              ? `time to grant: median ${formatDuration(grant.medianMs)}, p95 ${formatDuration(grant.p95Ms)}`
              : undefined,
            remove
              ? `time to remove: median ${formatDuration(remove.medianMs)}, p95 ${formatDuration(remove.p95Ms)}`
              : undefined,
          ]
            .filter(Boolean)
            .join('; ')
            .concat('.')
            .replace(/^\.$/, `${plural(r.executions.length, 'execution')}.`),
    facts: [['window', `${formatTime(r.window.since)} → ${formatTime(r.window.until)}`]],
    sections: [
      section(
        'By direction',
        r.byDirection,
        [
          { header: 'direction', value: (g) => g.direction },
          stat.count,
          stat.failed,
          stat.median,
          stat.p95,
          stat.worst,
        ],
        'No executions.',
      ),
      section(
        'By kind',
        r.byKind,
        [
          { header: 'kind', value: (g) => g.kind },
          { header: 'direction', value: (g) => g.direction },
          stat.count,
          stat.failed,
          stat.median,
          stat.p95,
          stat.worst,
          { header: 'worst decision', value: (g) => g.worstDecisionId ?? '-' },
        ],
        'No executions.',
      ),
    ],
  };
}

function violationsView(r: ViolationsReport): View {
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

function auditView(r: AuditReport): View {
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

/** How many findings the overview lists one by one; the rest are a `report findings` away. */
const TOP_FINDINGS = 10;

function overviewView(r: OverviewReport): View {
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

/** The human layout of a report: used by the terminal table and the HTML page. */
export function viewOf(report: AnyReport): View {
  switch (report.report) {
    case 'findings':
      return findingsView(report);
    case 'drift':
      return driftView(report);
    case 'exceptions':
      return exceptionsView(report);
    case 'reviews':
      return reviewsView(report);
    case 'provisioning':
      return provisioningView(report);
    case 'violations':
      return violationsView(report);
    case 'audit':
      return auditView(report);
    case 'overview':
      return overviewView(report);
  }
}

/**
 * The CSV of a report: its detail rows, one line per thing, with full timestamps and raw numbers so a
 * spreadsheet can sort and pivot them. Summaries are in the table, JSON and HTML formats.
 * Returns undefined for the overview, which has no single list.
 */
export function csvGridOf(report: AnyReport): Grid | undefined {
  switch (report.report) {
    case 'findings':
      return grid(report.findings, FINDING_CSV_COLUMNS);
    case 'drift': {
      type Row = Record<string, string | number | null>;
      const rows: Row[] = [
        ...report.changes.map((c) => ({
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
        ...[...report.unapproved, ...report.changedDocuments].map((f) => ({
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
    case 'exceptions':
      return grid(report.exceptions, [
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
    case 'reviews':
      return grid(report.campaigns, [
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
    case 'provisioning':
      return grid(report.executions, [
        { header: 'decisionId', value: (e) => e.decisionId },
        { header: 'decisionVersion', value: (e) => e.decisionVersion },
        { header: 'kind', value: (e) => e.kind },
        { header: 'direction', value: (e) => e.direction },
        { header: 'status', value: (e) => e.status },
        { header: 'identityKey', value: (e) => e.identityKey },
        { header: 'decidedAt', value: (e) => e.decidedAt },
        { header: 'finishedAt', value: (e) => e.finishedAt },
        { header: 'latencyMs', value: (e) => e.latencyMs },
      ]);
    case 'violations': {
      type Row = { readonly [k: string]: string | null };
      const rows: Row[] = [
        ...report.deniedAttempts.map((a) => ({
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
        ...report.findings.map((f) => ({
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
    case 'audit':
      return grid(report.timeline, [
        { header: 'at', value: (t) => t.at },
        { header: 'source', value: (t) => t.source },
        { header: 'decisionId', value: (t) => t.decisionId },
        { header: 'actor', value: (t) => t.actor },
        { header: 'event', value: (t) => t.event },
        { header: 'detail', value: (t) => t.detail },
      ]);
    case 'overview':
      return undefined;
  }
}
