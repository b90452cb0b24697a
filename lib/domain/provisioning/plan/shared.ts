import type { Decision } from '../../decision.js';
import type { IdentityRef } from '../../identity.js';
import type { DecisionRequest, Entitlement } from '../../request.js';
import { change, type PlannedChange } from '../changes.js';
import type { Guardrails } from '../guardrails.js';
import type { IdentityState } from '../identity-state.js';
import type { PROVISIONED_KINDS } from '../kinds.js';
import { revokeScheduleName } from '../schedule.js';

/** The kinds the provision function executes and removes: one list, in lib/domain/provisioning/kinds.ts. */
export { GRANT_KINDS, PROVISIONED_KINDS } from '../kinds.js';
export type ProvisionedKind = (typeof PROVISIONED_KINDS)[number];

/** What a decision in its current status asks of the executor: apply it, remove it, or nothing. */
export type Intent = 'apply' | 'remove';

export interface PlanInput {
  readonly decision: Decision;
  /** Current state of the decision's identity; undefined when it does not exist. */
  readonly state: IdentityState | undefined;
  readonly guardrails: Guardrails;
  /**
   * Entitlement keys other in-force decisions still grant to this identity. Removing an expired or
   * revoked grant, or approving a revoke that names the grant it ends (`revokes`), leaves those in
   * place; a revoke that names no grant removes regardless.
   */
  readonly stillGranted?: ReadonlySet<string>;
  /** For a revoke decision that names the grant it ends: that grant, to cancel its revoke schedule. */
  readonly revokedGrant?: Decision;
  /**
   * For a user deletion: serials of virtual MFA devices an earlier attempt of this decision recorded
   * as deactivated. A deactivated device no longer shows on the user, so only the trail says it is
   * still to be deleted.
   */
  readonly deactivatedVirtualMfaDevices?: readonly string[];
}

export type Plan =
  | {
      readonly outcome: 'changes';
      readonly identityKey: string;
      readonly intent: Intent;
      /** In execution order. Changes already in place are kept (alreadyDone) so step lists stay stable. */
      readonly changes: readonly PlannedChange[];
      /** Why some expected change is not there (identity gone, still granted by another decision). */
      readonly notes: readonly string[];
    }
  | {
      readonly outcome: 'refused';
      readonly identityKey: string;
      readonly intent: Intent;
      readonly reason: string;
    }
  | { readonly outcome: 'not-applicable'; readonly identityKey: string; readonly reason: string };

/** What a request kind's planner gets: the input, its request narrowed to the kind, and how to answer. */
/** The request of one provisioned kind. */
export type RequestOf<K extends ProvisionedKind> = Extract<DecisionRequest, { kind: K }>;

export interface KindPlanContext<R extends DecisionRequest> {
  readonly input: PlanInput;
  readonly request: R;
  readonly ref: IdentityRef;
  /** The identity key, `role/<name>` or `user/<name>`. */
  readonly key: string;
  readonly intent: Intent;
  readonly refuse: (reason: string) => Plan;
  readonly changes: (list: PlannedChange[], notes?: string[]) => Plan;
}

/** Plans one request kind. Pure, like `planChanges`. */
export type KindPlanner<K extends ProvisionedKind> = (context: KindPlanContext<RequestOf<K>>) => Plan;

/** Canonical JSON, to compare policy documents whatever their key order (kept here for plan.ts importers). */
export { canonicalJson } from '../../canonical-json.js';

/** Takes one entitlement off an identity (already done when it is not there). */
export function removeChange(
  ref: IdentityRef,
  e: Entitlement,
  state: IdentityState | undefined,
): PlannedChange {
  if (e.type === 'managed-policy') {
    const attached = state?.attachedPolicyArns.includes(e.policyArn) ?? false;
    return change({ action: 'detach-policy', identity: ref, policyArn: e.policyArn }, !attached);
  }
  const present = state?.inlinePolicies.some((p) => p.name === e.policyName) ?? false;
  return change({ action: 'delete-inline-policy', identity: ref, policyName: e.policyName }, !present);
}

/** Cancels the revoke schedule of a time-bound grant. */
export function cancelSchedule(ref: IdentityRef, grant: Decision): PlannedChange {
  return change(
    {
      action: 'cancel-revoke-schedule',
      identity: ref,
      grantDecisionId: grant.id,
      scheduleName: revokeScheduleName(grant.id),
    },
    false,
  );
}
