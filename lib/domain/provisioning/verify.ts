import type { Decision } from '../decision.js';
import type { DecisionEventDetail } from '../events.js';

/** The detail types executors act on, and the decision status each one announces. */
export const DECISION_EVENT_STATUS = {
  DecisionApproved: 'approved',
  DecisionRevoked: 'revoked',
  DecisionExpired: 'expired',
} as const;
export type ExecutorDetailType = keyof typeof DECISION_EVENT_STATUS;

/** A decision event as executors receive it: the detail plus its detail type. */
export interface DecisionEvent extends DecisionEventDetail {
  readonly detailType: ExecutorDetailType;
}

export type Verification =
  | { readonly ok: true; readonly decision: Decision }
  | { readonly ok: false; readonly reason: string; readonly evidence: Record<string, unknown> };

/**
 * Checks an event against the decision re-read with a strongly consistent read (invariant 3): the
 * decision exists, is in the status the event announces, is the version the event names, is about the
 * same identity and kind, and an approval has not expired. Pure: the caller did the read.
 */
export function verifyDecisionEvent(
  event: DecisionEvent,
  decision: Decision | undefined,
  now: Date,
): Verification {
  const claimed = {
    detailType: event.detailType,
    decisionId: event.decisionId,
    version: event.version,
    status: event.status,
    kind: event.kind,
    identityKey: event.identityKey,
  };
  const fail = (reason: string, stored: Record<string, unknown> = {}): Verification => ({
    ok: false,
    reason,
    evidence: { event: claimed, ...(Object.keys(stored).length > 0 ? { stored } : {}) },
  });
  const expectedStatus = DECISION_EVENT_STATUS[event.detailType];
  if (event.status !== expectedStatus) {
    return fail(`a ${event.detailType} event must carry status ${expectedStatus}, not ${event.status}`);
  }
  if (!decision) return fail(`decision ${event.decisionId} does not exist`);
  const stored = {
    version: decision.version,
    status: decision.status,
    kind: decision.kind,
    identityKey: decision.identityKey,
    ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}),
  };
  if (decision.version !== event.version) {
    return fail(
      `decision ${decision.id} is at version ${decision.version}, the event names version ${event.version}`,
      stored,
    );
  }
  if (decision.status !== event.status) {
    return fail(`decision ${decision.id} is ${decision.status}, the event says ${event.status}`, stored);
  }
  if (decision.kind !== event.kind || decision.identityKey !== event.identityKey) {
    return fail(
      `decision ${decision.id} is a ${decision.kind} about ${decision.identityKey}, the event says a ${event.kind} about ${event.identityKey}`,
      stored,
    );
  }
  if (event.status === 'approved' && decision.expiresAt && Date.parse(decision.expiresAt) <= now.getTime()) {
    return fail(`decision ${decision.id} expired at ${decision.expiresAt}`, stored);
  }
  return { ok: true, decision };
}
