import { type Decision, isInForce } from '../decision.js';
import { type IdentityRef, identityKey } from '../identity.js';
import type { IamInventory } from '../inventory.js';
import { entitlementKey } from '../request.js';
import type { PlannedChange } from './changes.js';
import { effectiveAt } from './execution-run.js';
import type { Guardrails } from './guardrails.js';
import { type IdentityState, identityStateFromInventory } from './identity-state.js';
import { applyToState, intentOf, needsStillGranted, planChanges } from './plan.js';

/** What the provision function would do for one decision. */
export interface DecisionPlan {
  readonly decision: Decision;
  readonly outcome: 'changes' | 'refused';
  /** Changes that would call IAM (or Secrets Manager, or Scheduler), in order. */
  readonly changes: readonly PlannedChange[];
  /** Changes whose effect the snapshot already shows. */
  readonly alreadyInPlace: readonly PlannedChange[];
  readonly notes: readonly string[];
  readonly reason?: string;
}

const GRANTS = new Set(['grant', 'break-glass']);
const SCHEDULE_ACTIONS = new Set<string>(['schedule-revoke', 'cancel-revoke-schedule']);

/**
 * Which decisions the provision function would act on: approved, in-force decisions it executes, and
 * grants that ended (revoked or expired) whose access it removes; in the order their events come.
 */
export function decisionsToExecute(decisions: readonly Decision[], now: Date): Decision[] {
  return decisions
    .filter((d) => {
      const intent = intentOf(d);
      if (intent === 'apply') return isInForce(d, now);
      return intent === 'remove';
    })
    .sort((a, b) => effectiveAt(a).localeCompare(effectiveAt(b)) || a.id.localeCompare(b.id));
}

/**
 * The plan of every decision against one IAM inventory (a snapshot), using the same planner as the
 * provision function. Decisions are planned in order on a simulated state, so a grant planned after
 * a create sees the created identity. Pure: nothing is called.
 */
export function planDecisions(
  decisions: readonly Decision[],
  inventory: IamInventory,
  guardrails: Guardrails,
  now: Date,
): DecisionPlan[] {
  const states = new Map<string, IdentityState | undefined>();
  const stateOf = (ref: IdentityRef) => {
    const key = identityKey(ref);
    if (!states.has(key)) states.set(key, identityStateFromInventory(inventory, ref));
    return states.get(key);
  };
  const byId = new Map(decisions.map((d) => [d.id, d]));
  const out: DecisionPlan[] = [];
  for (const decision of decisionsToExecute(decisions, now)) {
    const ref = decision.request.identity;
    const stillGranted = new Set<string>();
    if (needsStillGranted(decision)) {
      for (const d of decisions) {
        if (d.id === decision.id || d.id === decision.revokes) continue;
        if (d.identityKey !== decision.identityKey || !isInForce(d, now)) continue;
        if (GRANTS.has(d.request.kind) && 'entitlement' in d.request)
          stillGranted.add(entitlementKey(d.request.entitlement));
      }
    }
    const revokes =
      decision.revokes ?? (decision.request.kind === 'revoke' ? decision.request.revokes : undefined);
    const revokedGrant = revokes ? byId.get(revokes) : undefined;
    const plan = planChanges({
      decision,
      state: stateOf(ref),
      guardrails,
      stillGranted,
      ...(revokedGrant ? { revokedGrant } : {}),
    });
    if (plan.outcome === 'not-applicable') continue;
    if (plan.outcome === 'refused') {
      out.push({
        decision,
        outcome: 'refused',
        changes: [],
        alreadyInPlace: [],
        notes: [],
        reason: plan.reason,
      });
      continue;
    }
    let state = stateOf(ref);
    for (const c of plan.changes) state = applyToState(state, c);
    states.set(identityKey(ref), state);
    // A snapshot shows no schedules: when every IAM change is in place, the decision was executed,
    // and its revoke schedule with it.
    const iamDone = plan.changes.filter((c) => !SCHEDULE_ACTIONS.has(c.action)).every((c) => c.alreadyDone);
    const inPlace = (c: PlannedChange) => c.alreadyDone || (iamDone && SCHEDULE_ACTIONS.has(c.action));
    out.push({
      decision,
      outcome: 'changes',
      changes: plan.changes.filter((c) => !inPlace(c)),
      alreadyInPlace: plan.changes.filter(inPlace),
      notes: plan.notes,
    });
  }
  return out;
}
