import type { IdentityRef } from '../../identity.js';
import { type Entitlement, entitlementKey } from '../../request.js';
import { change, type PlannedChange } from '../changes.js';
import type { IdentityState } from '../identity-state.js';
import { atExpression, jitRevokeDetail, revokeScheduleName } from '../schedule.js';
import {
  cancelSchedule,
  canonicalJson,
  type KindPlanContext,
  type Plan,
  type RequestOf,
  removeChange,
} from './shared.js';

function grantChange(ref: IdentityRef, e: Entitlement, state: IdentityState | undefined): PlannedChange {
  if (e.type === 'managed-policy') {
    return change(
      { action: 'attach-policy', identity: ref, policyArn: e.policyArn },
      state?.attachedPolicyArns.includes(e.policyArn) ?? false,
    );
  }
  // A grant always carries the document (the request schema insists); a revoke may not.
  const document = e.document as NonNullable<typeof e.document>;
  const existing = state?.inlinePolicies.find((p) => p.name === e.policyName);
  const same =
    existing?.document !== undefined && canonicalJson(existing.document) === canonicalJson(document);
  return change({ action: 'put-inline-policy', identity: ref, policyName: e.policyName, document }, same);
}

/**
 * A grant (also a break-glass, which is a grant with a review after it): approved, it is attached to a
 * bounded identity, after its revoke schedule when it is time-bound; revoked or expired, it is removed
 * unless another in-force decision still grants the same entitlement.
 */
export function planGrant({
  input,
  request,
  ref,
  key,
  intent,
  refuse,
  changes,
}: KindPlanContext<RequestOf<'grant' | 'break-glass'>>): Plan {
  const { decision, state, guardrails: g } = input;
  if (intent === 'remove') {
    const list: PlannedChange[] = [];
    const notes: string[] = [];
    const ek = entitlementKey(request.entitlement);
    if (!state) notes.push(`${key} no longer exists`);
    else if (input.stillGranted?.has(ek)) {
      notes.push(`${ek} stays on ${key}: another in-force decision still grants it`);
    } else list.push(removeChange(ref, request.entitlement, state));
    // An expired grant's schedule has fired (and deleted itself); a revoked one may still be waiting.
    if (decision.status === 'revoked' && decision.expiresAt) list.push(cancelSchedule(ref, decision));
    return changes(list, notes);
  }
  if (!state)
    return refuse(`${key} does not exist; a grant needs an existing identity under ${g.managedPath}`);
  if (state.permissionsBoundaryArn !== g.permissionsBoundaryArn) {
    return refuse(
      `${key} does not carry the permissions boundary ${g.permissionsBoundaryArn} (it has ${state.permissionsBoundaryArn ?? 'none'}); nhi-gov grants only to bounded identities`,
    );
  }
  // Time-bound access gets its end before it exists: the revoke schedule is created first, so a
  // CreateSchedule that keeps failing leaves no access behind, and there is never a moment when
  // the grant is attached without its scheduled end.
  const list: PlannedChange[] = [];
  if (decision.expiresAt) {
    list.push(
      change(
        {
          action: 'schedule-revoke',
          identity: ref,
          grantDecisionId: decision.id,
          scheduleName: revokeScheduleName(decision.id),
          expression: atExpression(decision.expiresAt),
          detail: jitRevokeDetail(decision.id, decision.expiresAt),
        },
        false,
      ),
    );
  }
  list.push(grantChange(ref, request.entitlement, state));
  return changes(list);
}
