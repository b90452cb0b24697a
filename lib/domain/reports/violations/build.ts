import type { DeniedAttempt } from '../../decision.js';
import type { Finding } from '../../finding.js';
import { compareFindings, type FindingRow, findingRow, type ReportWindow } from '../common.js';
import { countBy } from '../stats.js';

/** What kind of rule a refused attempt broke. */
export type ViolationCategory = 'separation-of-duties' | 'policy-denial';

/** Finding types that are violations in themselves: forged events and access nobody approved. */
export const VIOLATION_FINDING_TYPES = ['forged-event', 'unapproved-access'] as const;

export interface DeniedAttemptRow {
  readonly at: string;
  readonly decisionId: string;
  readonly actor: string;
  readonly action: string;
  readonly code: string;
  readonly category: ViolationCategory;
  readonly reason: string;
}

export interface ViolationsReport {
  readonly report: 'violations';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly window: ReportWindow;
  readonly summary: {
    /** Every violation on the page: denied attempts + forged events + unapproved access. */
    readonly total: number;
    readonly deniedAttempts: number;
    readonly separationOfDuties: number;
    readonly policyDenials: number;
    readonly forgedEvents: number;
    readonly unapprovedAccess: number;
  };
  readonly byCode: readonly {
    readonly code: string;
    readonly category: ViolationCategory;
    readonly count: number;
  }[];
  readonly byActor: readonly { readonly actor: string; readonly count: number }[];
  readonly deniedAttempts: readonly DeniedAttemptRow[];
  readonly findings: readonly FindingRow[];
}

export interface ViolationsReportInput {
  readonly now: Date;
  readonly window: ReportWindow;
  readonly deniedAttempts: readonly DeniedAttempt[];
  /** Forged-event and unapproved-access findings; open ones always count, others when seen in the window. */
  readonly findings: readonly Finding[];
}

/**
 * Separation-of-duties refusals (self-approval, an executor or operator approving) carry the
 * `SEPARATION_OF_DUTIES` code of SeparationOfDutiesError; governance may use more specific codes that
 * name self- or operator-approval. Every other refusal is a policy denial.
 */
export function categoryOf(code: string): ViolationCategory {
  return /SEPARATION|SELF|OPERATOR|EXECUTOR/i.test(code) ? 'separation-of-duties' : 'policy-denial';
}

/** Separation-of-duties refusals, policy denials, forged events and unapproved access in a window. */
export function buildViolationsReport(input: ViolationsReportInput): ViolationsReport {
  const { since, until } = input.window;
  const attempts: DeniedAttemptRow[] = input.deniedAttempts
    .filter((a) => a.at >= since && a.at <= until)
    .map((a) => ({
      at: a.at,
      decisionId: a.decisionId,
      actor: a.actor,
      action: a.action,
      code: a.code,
      category: categoryOf(a.code),
      reason: a.reason,
    }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.decisionId.localeCompare(b.decisionId));

  const unique = new Map(input.findings.map((f) => [f.id, f]));
  const findings = [...unique.values()]
    .filter((f) => (VIOLATION_FINDING_TYPES as readonly string[]).includes(f.type))
    // Open findings are open whatever the window (once they exist at the report's end); resolved and
    // suppressed ones belong to the window when they were seen in it.
    .filter((f) => f.firstSeen <= until && (f.status === 'open' || f.lastSeen >= since))
    .map((f) => findingRow(f, input.now))
    .sort(compareFindings);

  const forgedEvents = findings.filter((f) => f.type === 'forged-event').length;
  const unapprovedAccess = findings.filter((f) => f.type === 'unapproved-access').length;
  const codes = countBy(attempts, (a) => a.code);
  const actors = countBy(attempts, (a) => a.actor);
  return {
    report: 'violations',
    asOf: input.now.toISOString(),
    window: input.window,
    summary: {
      total: attempts.length + forgedEvents + unapprovedAccess,
      deniedAttempts: attempts.length,
      separationOfDuties: attempts.filter((a) => a.category === 'separation-of-duties').length,
      policyDenials: attempts.filter((a) => a.category === 'policy-denial').length,
      forgedEvents,
      unapprovedAccess,
    },
    byCode: [...codes.entries()]
      .map(([code, count]) => ({ code, category: categoryOf(code), count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    byActor: [...actors.entries()]
      .map(([actor, count]) => ({ actor, count }))
      .sort((a, b) => b.count - a.count || a.actor.localeCompare(b.actor)),
    deniedAttempts: attempts,
    findings,
  };
}
