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

/** What an event claims about its decision: the evidence a refused event's finding carries. */
export function claimedEvent(event: DecisionEvent): Record<string, unknown> {
  return {
    detailType: event.detailType,
    decisionId: event.decisionId,
    version: event.version,
    status: event.status,
    kind: event.kind,
    identityKey: event.identityKey,
  };
}

export type Verification =
  | { readonly ok: true; readonly decision: Decision }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly evidence: Record<string, unknown>;
      /**
       * The event is the decision's own approval in every respect, but the access it grants ended
       * before the event arrived (a JIT grant whose event was delayed past its window): late, not forged.
       */
      readonly expired?: Decision;
    };

/**
 * History actions that record something about a decision without changing what it grants: a
 * break-glass post-activation review. They bump the version (the optimistic lock), so an event of the
 * version before them still describes the decision in force.
 */
const NON_EFFECT_ACTIONS: ReadonlySet<string> = new Set(['reviewed']);

/**
 * True when every version after `version` was made by a non-effect action, so the decision still
 * grants exactly what it granted at `version`.
 */
function onlyNonEffectChangesSince(decision: Decision, version: number): boolean {
  if (decision.version <= version) return false;
  const later = decision.history.filter((h) => h.version > version);
  return later.length === decision.version - version && later.every((h) => NON_EFFECT_ACTIONS.has(h.action));
}

/**
 * Checks an event against the decision re-read with a strongly consistent read (invariant 3): the
 * decision exists, is in the status the event announces, is the version the event names (or a later
 * one reached only by non-effect changes such as a break-glass review), is about the same identity and
 * kind, and an approval has not expired. Pure: the caller did the read.
 *
 * On success the decision is returned at the event's version, so execution records and idempotency
 * keys stay those of the version that was decided, whether the review came before or after delivery.
 */
export function verifyDecisionEvent(
  event: DecisionEvent,
  decision: Decision | undefined,
  now: Date,
): Verification {
  const claimed = claimedEvent(event);
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
  const reviewedSince = onlyNonEffectChangesSince(decision, event.version);
  if (decision.version !== event.version && !reviewedSince) {
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
    const late = fail(
      `decision ${decision.id} expired at ${decision.expiresAt}, before it could be executed`,
      stored,
    );
    return late.ok
      ? late
      : { ...late, expired: reviewedSince ? { ...decision, version: event.version } : decision };
  }
  return { ok: true, decision: reviewedSince ? { ...decision, version: event.version } : decision };
}
