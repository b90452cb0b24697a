import type { Decision, DeniedAttempt } from '../../decision.js';
import type { ExecutionRecord } from '../../execution.js';
import type { Finding } from '../../finding.js';
import { compareFindings, type FindingRow, findingRow } from '../common.js';

/** What an audit is about: one decision, or one identity (everything decided and done to it). */
export type AuditSubject =
  | { readonly type: 'decision'; readonly decisionId: string; readonly identityKey: string | null }
  | { readonly type: 'identity'; readonly identityKey: string };

/** A decision as the audit shows it: everything but the Step Functions task token. */
export type AuditDecision = Omit<Decision, 'taskToken'>;

export type TimelineSource = 'decision' | 'approval' | 'denied-attempt' | 'execution' | 'finding';

export interface TimelineEntry {
  readonly at: string;
  readonly source: TimelineSource;
  readonly decisionId: string | null;
  readonly actor: string | null;
  readonly event: string;
  readonly detail: string;
}

export interface AuditReport {
  readonly report: 'audit';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly subject: AuditSubject;
  readonly summary: {
    readonly decisions: number;
    readonly approvals: number;
    readonly deniedAttempts: number;
    readonly executions: number;
    readonly findings: number;
    readonly openFindings: number;
  };
  readonly decisions: readonly AuditDecision[];
  readonly deniedAttempts: readonly DeniedAttempt[];
  readonly executions: readonly ExecutionRecord[];
  readonly findings: readonly FindingRow[];
  /** Everything above as one story, oldest first. */
  readonly timeline: readonly TimelineEntry[];
}

export interface AuditReportInput {
  readonly now: Date;
  readonly subject: AuditSubject;
  readonly decisions: readonly Decision[];
  readonly deniedAttempts: readonly DeniedAttempt[];
  readonly executions: readonly ExecutionRecord[];
  readonly findings: readonly Finding[];
}

function withoutTaskToken(decision: Decision): AuditDecision {
  const { taskToken: _never, ...rest } = decision;
  return rest;
}

const SOURCE_ORDER: Record<TimelineSource, number> = {
  decision: 0,
  approval: 1,
  'denied-attempt': 2,
  execution: 3,
  finding: 4,
};

/** Builds the timeline of everything that happened, in time order. */
export function timelineOf(input: Omit<AuditReportInput, 'now' | 'subject'>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const d of input.decisions) {
    const approvers = new Set(d.approvals.map((a) => a.approver));
    for (const h of d.history) {
      // The approval entry below says the same with its basis.
      if (h.action === 'approval-recorded' && approvers.has(h.actor)) continue;
      entries.push({
        at: h.at,
        source: 'decision',
        decisionId: d.id,
        actor: h.actor,
        event: `${d.kind} ${h.action}`,
        detail: `version ${h.version}${h.note ? `: ${h.note}` : ''}${
          h.action === 'submitted'
            ? ` (policy ${d.policyVersion}, tier ${d.tier}${d.tierRule ? ` set by ${d.tierRule}` : ''}${
                d.escalation?.completes.length
                  ? `; completes ${d.escalation.completes.map((p) => p.id).join(', ')}`
                  : ''
              })`
            : ''
        }`,
      });
    }
    for (const a of d.approvals) {
      entries.push({
        at: a.at,
        source: 'approval',
        decisionId: d.id,
        actor: a.approver,
        event: `${d.kind} approval`,
        detail: a.basis,
      });
    }
  }
  for (const a of input.deniedAttempts) {
    entries.push({
      at: a.at,
      source: 'denied-attempt',
      decisionId: a.decisionId,
      actor: a.actor,
      event: `${a.action} refused`,
      detail: `${a.code}: ${a.reason}`,
    });
  }
  for (const r of input.executions) {
    const calls = r.calls.map((c) => `${c.api} ${c.target} ${c.outcome}`).join('; ');
    entries.push({
      at: r.finishedAt,
      source: 'execution',
      decisionId: r.decisionId,
      actor: r.executor,
      event: `${r.action} ${r.status}`,
      detail: `version ${r.decisionVersion} step ${r.step}${calls ? `: ${calls}` : ''}${r.error ? ` (${r.error})` : ''}`,
    });
  }
  for (const f of input.findings) {
    entries.push({
      at: f.firstSeen,
      source: 'finding',
      decisionId: null,
      actor: f.source,
      event: `${f.type} opened`,
      detail: `${f.severity}: ${f.title}`,
    });
    if (f.resolvedAt) {
      entries.push({
        at: f.resolvedAt,
        source: 'finding',
        decisionId: null,
        actor: f.source,
        event: `${f.type} resolved`,
        detail: f.title,
      });
    }
  }
  return entries.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
      (a.decisionId ?? '').localeCompare(b.decisionId ?? ''),
  );
}

/** The full trail of one decision or one identity: decisions, approvals, refusals, executions, findings. */
export function buildAuditReport(input: AuditReportInput): AuditReport {
  const decisions = [...input.decisions].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  const executions = [...input.executions].sort(
    (a, b) =>
      a.finishedAt.localeCompare(b.finishedAt) ||
      a.decisionId.localeCompare(b.decisionId) ||
      a.decisionVersion - b.decisionVersion ||
      a.step - b.step,
  );
  const deniedAttempts = [...input.deniedAttempts].sort((a, b) => a.at.localeCompare(b.at));
  const findings = input.findings.map((f) => findingRow(f, input.now)).sort(compareFindings);
  return {
    report: 'audit',
    asOf: input.now.toISOString(),
    subject: input.subject,
    summary: {
      decisions: decisions.length,
      approvals: decisions.reduce((n, d) => n + d.approvals.length, 0),
      deniedAttempts: deniedAttempts.length,
      executions: executions.length,
      findings: findings.length,
      openFindings: findings.filter((f) => f.status === 'open').length,
    },
    decisions: decisions.map(withoutTaskToken),
    deniedAttempts,
    executions,
    findings,
    timeline: timelineOf({ decisions, deniedAttempts, executions, findings: input.findings }),
  };
}
