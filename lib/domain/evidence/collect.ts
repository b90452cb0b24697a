import type { DecisionStore } from '../../ports/decision-store.js';
import type { Decision, DecisionStatus } from '../decision.js';
import type { ExecutionRecord } from '../execution.js';
import type { Finding, FindingStatus } from '../finding.js';
import type { ReportWindow } from '../reports/common.js';
import type { ExceptionRow } from '../reports/exceptions/build.js';
import { exceptionsReport } from '../reports/exceptions/query.js';
import type { CampaignRow } from '../reports/reviews/build.js';
import { reviewsReport } from '../reports/reviews/query.js';
import { executionsInWindow, type QueryOptions, type ReportSources } from '../reports/sources.js';
import type { DeniedAttemptRow } from '../reports/violations/build.js';
import { violationsReport } from '../reports/violations/query.js';

/** What the evidence package reads: the reports' sources, and the decisions by status (by-status index). */
export interface EvidenceSources extends ReportSources {
  readonly decisions: ReportSources['decisions'] & Pick<DecisionStore, 'listByStatus'>;
}

/** The period of a package: `from` inclusive, `to` exclusive, so consecutive periods never overlap. */
export type EvidencePeriod = ReportWindow;

/** Everything a package holds, before it is rendered into files. */
export interface EvidenceData {
  readonly period: { readonly from: string; readonly to: string };
  readonly generatedAt: string;
  /** Decisions with any history entry (submitted, approved, revoked, reviewed, ...) in the period. */
  readonly decisions: readonly Decision[];
  readonly deniedAttempts: readonly DeniedAttemptRow[];
  readonly executions: readonly ExecutionRecord[];
  /** Exceptions in force at some point of the period (approved before its end, expiring after its start). */
  readonly exceptions: readonly ExceptionRow[];
  /** Break-glass decisions active or reviewed in the period. */
  readonly breakGlass: readonly Decision[];
  readonly campaigns: readonly CampaignRow[];
  /** Findings first seen or resolved in the period. */
  readonly findings: readonly Finding[];
}

const DECISION_STATUSES: readonly DecisionStatus[] = [
  'pending',
  'approved',
  'rejected',
  'cancelled',
  'revoked',
  'expired',
];
const FINDING_STATUSES: readonly FindingStatus[] = ['open', 'suppressed', 'resolved'];

const within = (at: string | undefined, p: ReportWindow) => at !== undefined && at >= p.since && at < p.until;

/**
 * Reads a period's evidence with the reports' own queries (indexes only: Query and GetItem, never a
 * Scan): decisions by status, denied attempts since the start, executions by day, exceptions by expiry,
 * campaigns by status, findings by status. Filters each to the half-open period [since, until).
 */
export async function collectEvidence(
  sources: EvidenceSources,
  period: EvidencePeriod,
  options: QueryOptions,
): Promise<EvidenceData> {
  const progress = options.progress;
  const quiet = { now: new Date(period.until) };
  progress?.(0, 6, 'reading decisions');
  const allDecisions = (
    await Promise.all(DECISION_STATUSES.map((s) => sources.decisions.listByStatus(s)))
  ).flat();
  const decisions = allDecisions
    .filter((d) => d.history.some((h) => within(h.at, period)) || within(d.createdAt, period))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

  progress?.(1, 6, 'reading refused attempts');
  const violations = await violationsReport(sources, { window: period }, quiet);
  const deniedAttempts = violations.deniedAttempts.filter((a) => within(a.at, period));

  progress?.(2, 6, 'reading the execution trail');
  const executions = (await executionsInWindow(sources, period))
    .filter((r) => within(r.finishedAt, period))
    .sort(
      (a, b) =>
        a.finishedAt.localeCompare(b.finishedAt) ||
        a.decisionId.localeCompare(b.decisionId) ||
        a.decisionVersion - b.decisionVersion ||
        a.step - b.step,
    );

  progress?.(3, 6, 'reading exceptions');
  const exceptions = (await exceptionsReport(sources, { expiringWithinDays: 14 }, quiet)).exceptions.filter(
    (e) => (e.approvedAt ?? '') < period.until && e.expiresAt >= period.since,
  );

  const breakGlass = allDecisions
    .filter((d) => d.kind === 'break-glass' && d.decidedAt !== undefined && d.decidedAt < period.until)
    .filter(
      (d) =>
        (d.expiresAt ?? d.decidedAt ?? '') >= period.since ||
        within(d.reviewedAt, period) ||
        (d.reviewDueAt !== undefined && d.reviewDueAt >= period.since && d.reviewedAt === undefined),
    )
    .sort((a, b) => (a.decidedAt ?? '').localeCompare(b.decidedAt ?? '') || a.id.localeCompare(b.id));

  progress?.(4, 6, 'reading certification campaigns');
  let campaigns: CampaignRow[] = [];
  if (sources.campaigns) {
    const report = await reviewsReport(sources, { window: period }, quiet);
    campaigns = report.campaigns.filter((c) => c.createdAt < period.until);
  }

  progress?.(5, 6, 'reading findings');
  const findings = (await Promise.all(FINDING_STATUSES.map((s) => sources.findings.listByStatus(s))))
    .flat()
    .filter((f) => within(f.firstSeen, period) || within(f.resolvedAt, period))
    .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  progress?.(6, 6, 'done');

  return {
    period: { from: period.since, to: period.until },
    generatedAt: options.now.toISOString(),
    decisions,
    deniedAttempts,
    executions,
    exceptions,
    breakGlass,
    campaigns,
    findings,
  };
}
