import type { Decision } from '../../decision.js';
import { COMPLETE_ACTION, type ExecutionRecord } from '../../execution.js';
import type { Finding } from '../../finding.js';
import type { RequestKind } from '../../request.js';
import { compareFindings, type FindingRow, findingRow, type ReportWindow } from '../common.js';

/**
 * Whether an IAM change has a decision behind it: `approved` (an approved decision, the normal case),
 * `not-approved` (the decision exists but was never approved) or `no-decision` (the execution names a
 * decision that does not exist). The last two should never happen and are reported as critical.
 */
export type DriftVerdict = 'approved' | 'not-approved' | 'no-decision';

export interface DriftChangeRow {
  readonly identityKey: string;
  readonly identityArn: string | null;
  readonly at: string;
  readonly action: string;
  readonly executionStatus: ExecutionRecord['status'];
  /** The IAM calls that changed something, as `api target`. */
  readonly changes: readonly string[];
  readonly executor: string;
  readonly decisionId: string;
  readonly decisionVersion: number;
  readonly kind: RequestKind;
  readonly decisionStatus: Decision['status'] | null;
  readonly requester: string | null;
  /** Who moved the decision to the version that was executed (the last approver, or who revoked it). */
  readonly decidedBy: string | null;
  readonly approvals: readonly { readonly approver: string; readonly at: string; readonly basis: string }[];
  readonly policyVersion: string | null;
  readonly verdict: DriftVerdict;
}

export interface DriftReport {
  readonly report: 'drift';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly window: ReportWindow;
  /** The identities asked for, or null for every identity changed in the window. */
  readonly identities: readonly string[] | null;
  readonly summary: {
    readonly changes: number;
    readonly approved: number;
    readonly notApproved: number;
    readonly noDecision: number;
    /** Access found in IAM with no decision behind it (the scanners' unapproved-access findings). */
    readonly unapprovedAccess: number;
    readonly identitiesWithDrift: number;
    /** Attached documents that are no longer the approved ones (policy-changed-since-approval). */
    readonly changedDocuments: number;
  };
  readonly changes: readonly DriftChangeRow[];
  readonly unapproved: readonly FindingRow[];
  /** Drift at the document level: a managed policy's new default version, an inline policy rewritten. */
  readonly changedDocuments: readonly FindingRow[];
}

export interface DriftReportInput {
  readonly now: Date;
  readonly window: ReportWindow;
  readonly identities: readonly string[] | null;
  readonly records: readonly ExecutionRecord[];
  readonly decisions: ReadonlyMap<string, Decision>;
  /** Open unapproved-access and policy-changed-since-approval findings in scope. */
  readonly unapprovedFindings: readonly Finding[];
}

const changed = (r: ExecutionRecord) => r.status !== 'refused' && r.calls.some((c) => c.outcome === 'ok');

/**
 * The execution records that changed IAM. A `complete` record only counts when it is the one record of
 * its decision version that lists changes, so a summary that repeats its steps' calls is not doubled.
 */
export function changeRecords(records: readonly ExecutionRecord[]): ExecutionRecord[] {
  const withSteps = new Set(
    records
      .filter((r) => r.action !== COMPLETE_ACTION && changed(r))
      .map((r) => `${r.decisionId}#${r.decisionVersion}`),
  );
  return records.filter(
    (r) =>
      changed(r) && (r.action !== COMPLETE_ACTION || !withSteps.has(`${r.decisionId}#${r.decisionVersion}`)),
  );
}

function verdictOf(decision: Decision | undefined, version: number): DriftVerdict {
  if (!decision) return 'no-decision';
  const approved = decision.history.some(
    (h) => (h.action === 'approved' || h.action === 'auto-approved') && h.version <= version,
  );
  return approved ? 'approved' : 'not-approved';
}

/** Every IAM change in scope with the decision, approvers and policy version behind it, and every change with none. */
export function buildDriftReport(input: DriftReportInput): DriftReport {
  const { since, until } = input.window;
  const inScope = (key: string) => input.identities === null || input.identities.includes(key);
  const changes: DriftChangeRow[] = changeRecords(input.records)
    .filter((r) => r.finishedAt >= since && r.finishedAt <= until && inScope(r.identityKey))
    .map((r) => {
      const decision = input.decisions.get(r.decisionId);
      const entry = decision?.history.find((h) => h.version === r.decisionVersion);
      return {
        identityKey: r.identityKey,
        identityArn: r.identityArn ?? null,
        at: r.finishedAt,
        action: r.action,
        executionStatus: r.status,
        changes: r.calls.filter((c) => c.outcome === 'ok').map((c) => `${c.api} ${c.target}`),
        executor: r.executor,
        decisionId: r.decisionId,
        decisionVersion: r.decisionVersion,
        kind: r.kind,
        decisionStatus: decision?.status ?? null,
        requester: decision?.requester ?? null,
        decidedBy: entry?.actor ?? null,
        approvals: (decision?.approvals ?? []).map((a) => ({
          approver: a.approver,
          at: a.at,
          basis: a.basis,
        })),
        policyVersion: decision?.policyVersion ?? null,
        verdict: verdictOf(decision, r.decisionVersion),
      };
    })
    .sort(
      (a, b) =>
        a.identityKey.localeCompare(b.identityKey) ||
        a.at.localeCompare(b.at) ||
        a.decisionId.localeCompare(b.decisionId),
    );

  const unapproved = input.unapprovedFindings
    .filter((f) => f.type === 'unapproved-access' && f.status === 'open' && inScope(f.identityKey))
    .map((f) => findingRow(f, input.now))
    .sort(compareFindings);

  const changedDocuments = input.unapprovedFindings
    .filter(
      (f) => f.type === 'policy-changed-since-approval' && f.status === 'open' && inScope(f.identityKey),
    )
    .map((f) => findingRow(f, input.now))
    .sort(compareFindings);

  const drifting = new Set([
    ...changes.filter((c) => c.verdict !== 'approved').map((c) => c.identityKey),
    ...unapproved.map((f) => f.identityKey),
    ...changedDocuments.map((f) => f.identityKey),
  ]);
  return {
    report: 'drift',
    asOf: input.now.toISOString(),
    window: input.window,
    identities: input.identities,
    summary: {
      changes: changes.length,
      approved: changes.filter((c) => c.verdict === 'approved').length,
      notApproved: changes.filter((c) => c.verdict === 'not-approved').length,
      noDecision: changes.filter((c) => c.verdict === 'no-decision').length,
      unapprovedAccess: unapproved.length,
      identitiesWithDrift: drifting.size,
      changedDocuments: changedDocuments.length,
    },
    changes,
    unapproved,
    changedDocuments,
  };
}
