import type { Clock } from '../../ports/clock.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { Decision } from '../decision.js';
import type { FindingSource } from '../finding.js';
import { accountOfDecisionId } from '../governance/policy-scope.js';
import { forgedEventFinding, openFinding, provisioningFailedFinding } from './findings.js';
import { claimedEvent, type DecisionEvent, verifyDecisionEvent } from './verify.js';

/**
 * Whether an executor may act on an event. `forged`: the stored decision does not back it; `ignored`:
 * the decision backs it, but it is not this executor's business (the suite's rules never route it
 * here, so it was put on the bus or sent to the function some other way); `expired`: the decision's
 * own approval, arriving after the access it grants has ended (delayed past a JIT window). All are
 * refusals: nothing is executed.
 */
export type Admission =
  | { readonly ok: true; readonly decision: Decision }
  | { readonly ok: false; readonly status: 'forged' | 'ignored' | 'expired'; readonly reason: string };

export interface AdmissionDeps {
  readonly decisions: Pick<DecisionStore, 'get'>;
  readonly findings: FindingStore;
  readonly clock: Clock;
  readonly source: FindingSource;
  /**
   * The account this executor acts in (its stack's own account). A decision naming another account,
   * or an event or decision id that does, is refused: an executor only ever changes its own account.
   */
  readonly account?: string;
}

/**
 * The other account an event or its decision names, when the executor acts in `account`: the event's
 * `accountId`, the account its decision id begins with (organization ids), the stored decision's
 * `accountId`. Undefined when none names another (a decision without account is the stack's own).
 */
function otherAccount(account: string | undefined, ...named: (string | undefined)[]): string | undefined {
  if (account === undefined) return undefined;
  return named.find((a) => a !== undefined && a !== account);
}

/**
 * The gate in front of every executor (invariants 3 and 10): re-reads the decision with a strongly
 * consistent read and verifies the event against it, whatever the event's kind. A refused event, the
 * `ignored` case included, opens (or refreshes) a `forged-event` finding and is never handed to
 * idempotency, so it cannot make a later genuine event of the same (decision, version, status) a no-op.
 *
 * @param handles the executor's own test of what it executes (kind and status of the decision).
 * @param notOurs why a verified event that `handles` rejects needs nothing from this executor.
 */
export async function admitDecisionEvent(
  deps: AdmissionDeps,
  event: DecisionEvent,
  handles: (decision: Pick<Decision, 'kind' | 'status'>) => boolean,
  notOurs: (decision: Pick<Decision, 'kind' | 'status'>) => string,
): Promise<Admission> {
  const now = deps.clock.now();
  // Another account's decision is refused before it is read: in organization mode the hub table
  // would refuse the read anyway (dynamodb:LeadingKeys), and nothing of it may steer this executor.
  const claimedOther = otherAccount(deps.account, event.accountId, accountOfDecisionId(event.decisionId));
  if (claimedOther !== undefined)
    return refuseOtherAccount(deps, event, claimedOther, now, { event: claimedEvent(event) });
  const stored = await deps.decisions.get(event.decisionId, { consistent: true });
  const storedOther = otherAccount(deps.account, stored?.accountId);
  if (storedOther !== undefined)
    return refuseOtherAccount(deps, event, storedOther, now, {
      event: claimedEvent(event),
      stored: { accountId: storedOther, status: stored?.status, version: stored?.version },
    });
  const verification = verifyDecisionEvent(event, stored, now);
  if (verification.ok && handles(verification.decision)) return verification;
  if (!verification.ok && verification.expired && handles(verification.expired)) {
    // A genuine approval, too late: the decision ends unexecuted, with a provisioning-failed finding
    // (not a forged-event alarm), and the access is never granted.
    await openFinding(
      deps.findings,
      provisioningFailedFinding(verification.expired, verification.reason, deps.source, now.toISOString()),
    );
    return { ok: false, status: 'expired', reason: verification.reason };
  }
  const refusal = verification.ok
    ? {
        status: 'ignored' as const,
        reason: `${notOurs(verification.decision)}; the suite's rules never route it here`,
        evidence: { event: claimedEvent(event), routed: false },
      }
    : { status: 'forged' as const, reason: verification.reason, evidence: verification.evidence };
  await openFinding(
    deps.findings,
    forgedEventFinding(event, refusal.reason, refusal.evidence, deps.source, now.toISOString()),
  );
  return { ok: false, status: refusal.status, reason: refusal.reason };
}

/** The refusal of a decision of another account: a forged-event finding, nothing executed. */
async function refuseOtherAccount(
  deps: AdmissionDeps,
  event: DecisionEvent,
  other: string,
  now: Date,
  evidence: Record<string, unknown>,
): Promise<Admission> {
  const reason = `decision ${event.decisionId} acts in account ${other}; this executor acts in account ${deps.account} only`;
  await openFinding(
    deps.findings,
    forgedEventFinding(
      event,
      reason,
      { ...evidence, executorAccount: deps.account },
      deps.source,
      now.toISOString(),
    ),
  );
  return { ok: false, status: 'forged', reason };
}
