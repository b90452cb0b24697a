import type { Decision } from '../decision.js';
import { type IdentityRef, identityKey } from '../identity.js';
import type { PlannedChange } from './changes.js';
import { type Guardrails, isUnderManagedPath } from './guardrails.js';
import type { IdentityState } from './identity-state.js';
import { isKindIn } from './kinds.js';
import {
  GRANT_KINDS,
  type Intent,
  type KindPlanner,
  PLANNERS,
  type Plan,
  type PlanInput,
  PROVISIONED_KINDS,
  type ProvisionedKind,
  type RequestOf,
} from './plan/index.js';

export * from './plan/index.js';

/**
 * True when planning this decision needs the entitlements other in-force decisions still grant: a
 * grant being removed, or a revoke that ends one named grant.
 */
export function needsStillGranted(decision: Pick<Decision, 'kind' | 'status' | 'revokes'>): boolean {
  return intentOf(decision) === 'remove' || (decision.kind === 'revoke' && decision.revokes !== undefined);
}

/**
 * Approved grants, break-glass, identity creations and deletions and revokes are applied; a grant or
 * break-glass that became `revoked` or `expired` is removed; everything else is not the provision
 * function's business.
 */
export function intentOf(decision: Pick<Decision, 'kind' | 'status'>): Intent | undefined {
  if (decision.status === 'approved' && isKindIn(PROVISIONED_KINDS, decision.kind)) {
    return 'apply';
  }
  if (
    (decision.status === 'revoked' || decision.status === 'expired') &&
    isKindIn(GRANT_KINDS, decision.kind)
  ) {
    return 'remove';
  }
  return undefined;
}

function outsidePath(ref: IdentityRef, state: IdentityState, g: Guardrails): string {
  return `${identityKey(ref)} is at IAM path ${state.path}, outside the managed path ${g.managedPath}; nhi-gov does not touch it`;
}

const isProvisioned = (kind: string): kind is ProvisionedKind =>
  (PROVISIONED_KINDS as readonly string[]).includes(kind);

/**
 * The changes that bring one identity in line with one decision, within the guardrails. Pure: the
 * provision function runs it on live IAM state, `nhi-gov plan` on a snapshot. What each request kind
 * changes is its planner's (`lib/domain/provisioning/plan/<kind>.ts`); this checks what all share.
 */
export function planChanges(input: PlanInput): Plan {
  const { decision, state, guardrails: g } = input;
  const request = decision.request;
  const ref = request.identity;
  const key = identityKey(ref);
  const intent = intentOf(decision);
  if (!intent) {
    return {
      outcome: 'not-applicable',
      identityKey: key,
      reason: `a ${decision.status} ${decision.kind} decision needs nothing from the provision function`,
    };
  }
  const refuse = (reason: string): Plan => ({ outcome: 'refused', identityKey: key, intent, reason });
  const changes = (list: PlannedChange[], notes: string[] = []): Plan => ({
    outcome: 'changes',
    identityKey: key,
    intent,
    changes: list,
    notes,
  });

  if (state && !isUnderManagedPath(state.path, g.managedPath)) {
    // Creating an identity that exists elsewhere is refused by its planner with a more precise reason.
    if (request.kind !== 'create-identity') return refuse(outsidePath(ref, state, g));
  }

  if (!isProvisioned(request.kind)) {
    return {
      outcome: 'not-applicable',
      identityKey: key,
      reason: `a ${request.kind} decision is not executed by the provision function`,
    };
  }
  const planner = PLANNERS[request.kind] as KindPlanner<ProvisionedKind>;
  return planner({
    input,
    request: request as RequestOf<ProvisionedKind>,
    ref,
    key,
    intent,
    refuse,
    changes,
  });
}

/**
 * The state after a change, for planning several decisions in a row (`nhi-gov plan`): a grant planned
 * after a create sees the created identity.
 */
export function applyToState(state: IdentityState | undefined, c: PlannedChange): IdentityState | undefined {
  switch (c.action) {
    case 'create-role':
    case 'create-user':
      return (
        state ?? {
          type: c.identity.type,
          name: c.identity.name,
          path: c.path,
          permissionsBoundaryArn: c.permissionsBoundaryArn,
          tags: c.tags,
          attachedPolicyArns: [],
          inlinePolicies: [],
          accessKeys: [],
          groups: [],
          instanceProfiles: [],
        }
      );
    case 'delete-identity':
      return undefined;
    default:
      break;
  }
  if (!state) return state;
  switch (c.action) {
    case 'create-access-key':
      return c.alreadyDone ? state : { ...state, accessKeys: [...state.accessKeys, { active: true }] };
    case 'attach-policy':
      return state.attachedPolicyArns.includes(c.policyArn)
        ? state
        : { ...state, attachedPolicyArns: [...state.attachedPolicyArns, c.policyArn] };
    case 'detach-policy':
      return { ...state, attachedPolicyArns: state.attachedPolicyArns.filter((a) => a !== c.policyArn) };
    case 'put-inline-policy':
      return {
        ...state,
        inlinePolicies: [
          ...state.inlinePolicies.filter((p) => p.name !== c.policyName),
          { name: c.policyName, document: c.document },
        ],
      };
    case 'delete-inline-policy':
      return { ...state, inlinePolicies: state.inlinePolicies.filter((p) => p.name !== c.policyName) };
    case 'delete-access-key':
      return {
        ...state,
        accessKeys: state.accessKeys.filter((k) =>
          c.accessKeyId ? k.accessKeyId !== c.accessKeyId : k.slot !== c.slot,
        ),
      };
    case 'delete-login-profile':
      return { ...state, hasLoginProfile: false };
    case 'remove-from-group':
      return { ...state, groups: state.groups.filter((g) => g !== c.groupName) };
    case 'deactivate-mfa-device':
      return {
        ...state,
        mfaDevices: (state.mfaDevices ?? []).filter((d) => d.serialNumber !== c.serialNumber),
      };
    case 'delete-signing-certificate':
      return {
        ...state,
        signingCertificates: (state.signingCertificates ?? []).filter((id) => id !== c.certificateId),
      };
    case 'delete-ssh-public-key':
      return { ...state, sshPublicKeys: (state.sshPublicKeys ?? []).filter((id) => id !== c.sshPublicKeyId) };
    case 'delete-service-specific-credential':
      return {
        ...state,
        serviceSpecificCredentials: (state.serviceSpecificCredentials ?? []).filter(
          (id) => id !== c.credentialId,
        ),
      };
    case 'remove-from-instance-profile':
      return {
        ...state,
        instanceProfiles: state.instanceProfiles.filter((p) => p !== c.instanceProfileName),
      };
    default:
      return state;
  }
}
