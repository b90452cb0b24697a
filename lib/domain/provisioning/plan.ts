import type { Decision } from '../decision.js';
import { type IdentityRef, identityKey } from '../identity.js';
import { type Entitlement, entitlementKey } from '../request.js';
import { type ChangeSpec, change, isVirtualMfaSerial, type PlannedChange } from './changes.js';
import {
  type Guardrails,
  isUnderManagedPath,
  keySecretName,
  provisioningTags,
  TAG_DECISION_ID,
} from './guardrails.js';
import type { IdentityState } from './identity-state.js';
import { atExpression, jitRevokeDetail, revokeScheduleName } from './schedule.js';

/** Decision kinds the provision function executes. `rotate` belongs to the rotation function. */
export const PROVISIONED_KINDS = [
  'grant',
  'break-glass',
  'create-identity',
  'delete-identity',
  'revoke',
] as const;
const GRANT_KINDS: readonly string[] = ['grant', 'break-glass'];

/**
 * True when planning this decision needs the entitlements other in-force decisions still grant: a
 * grant being removed, or a revoke that ends one named grant.
 */
export function needsStillGranted(decision: Pick<Decision, 'kind' | 'status' | 'revokes'>): boolean {
  return intentOf(decision) === 'remove' || (decision.kind === 'revoke' && decision.revokes !== undefined);
}

/** What a decision in its current status asks of the executor: apply it, remove it, or nothing. */
export type Intent = 'apply' | 'remove';

/**
 * Approved grants, break-glass, identity creations and deletions and revokes are applied; a grant or
 * break-glass that became `revoked` or `expired` is removed; everything else is not the provision
 * function's business.
 */
export function intentOf(decision: Pick<Decision, 'kind' | 'status'>): Intent | undefined {
  if (decision.status === 'approved' && (PROVISIONED_KINDS as readonly string[]).includes(decision.kind)) {
    return 'apply';
  }
  if (
    (decision.status === 'revoked' || decision.status === 'expired') &&
    GRANT_KINDS.includes(decision.kind)
  ) {
    return 'remove';
  }
  return undefined;
}

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

/** Canonical JSON (sorted keys), to compare policy documents whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function outsidePath(ref: IdentityRef, state: IdentityState, g: Guardrails): string {
  return `${identityKey(ref)} is at IAM path ${state.path}, outside the managed path ${g.managedPath}; nhi-gov does not touch it`;
}

function grantChange(ref: IdentityRef, e: Entitlement, state: IdentityState | undefined): PlannedChange {
  if (e.type === 'managed-policy') {
    const spec: ChangeSpec = { action: 'attach-policy', identity: ref, policyArn: e.policyArn };
    return change(spec, state?.attachedPolicyArns.includes(e.policyArn) ?? false);
  }
  // A grant always carries the document (the request schema insists); a revoke may not.
  const document = e.document as NonNullable<typeof e.document>;
  const existing = state?.inlinePolicies.find((p) => p.name === e.policyName);
  const same =
    existing?.document !== undefined && canonicalJson(existing.document) === canonicalJson(document);
  return change({ action: 'put-inline-policy', identity: ref, policyName: e.policyName, document }, same);
}

function removeChange(ref: IdentityRef, e: Entitlement, state: IdentityState | undefined): PlannedChange {
  if (e.type === 'managed-policy') {
    const attached = state?.attachedPolicyArns.includes(e.policyArn) ?? false;
    return change({ action: 'detach-policy', identity: ref, policyArn: e.policyArn }, !attached);
  }
  const present = state?.inlinePolicies.some((p) => p.name === e.policyName) ?? false;
  return change({ action: 'delete-inline-policy', identity: ref, policyName: e.policyName }, !present);
}

function cancelSchedule(ref: IdentityRef, grant: Decision): PlannedChange {
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

function keyInPlace(state: IdentityState | undefined): boolean {
  if (!state) return false;
  if (state.keySecret) {
    const held = state.keySecret.accessKeyId;
    return (
      state.keySecret.exists && held !== undefined && state.accessKeys.some((k) => k.accessKeyId === held)
    );
  }
  // A snapshot knows nothing of secrets: an active key is the best evidence the key was made.
  return state.accessKeys.some((k) => k.active);
}

/**
 * The changes that bring one identity in line with one decision, within the guardrails. Pure: the
 * provision function runs it on live IAM state, `nhi-gov plan` on a snapshot.
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
    // Creating an identity that exists elsewhere is refused below with a more precise reason.
    if (request.kind !== 'create-identity') return refuse(outsidePath(ref, state, g));
  }

  switch (request.kind) {
    case 'grant':
    case 'break-glass': {
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
    case 'revoke': {
      const list: PlannedChange[] = [];
      const notes: string[] = [];
      const ek = entitlementKey(request.entitlement);
      if (!state) notes.push(`${key} no longer exists`);
      // A revoke that ends one named grant leaves access another in-force grant still backs.
      else if (decision.revokes && input.stillGranted?.has(ek))
        notes.push(`${ek} stays on ${key}: another in-force decision still grants it`);
      else list.push(removeChange(ref, request.entitlement, state));
      const grant = input.revokedGrant;
      if (grant?.expiresAt && GRANT_KINDS.includes(grant.kind)) list.push(cancelSchedule(ref, grant));
      return changes(list, notes);
    }
    case 'create-identity': {
      if (state && state.tags[TAG_DECISION_ID] !== decision.id) {
        return refuse(
          `${key} already exists (path ${state.path}) and was not created by decision ${decision.id}; nhi-gov does not adopt identities`,
        );
      }
      const tags = provisioningTags(decision, request.tags);
      if (ref.type === 'role') {
        return changes([
          change(
            {
              action: 'create-role',
              identity: ref,
              path: g.managedPath,
              permissionsBoundaryArn: g.permissionsBoundaryArn,
              // The request schema requires a trust policy for roles.
              trustPolicy: request.trustPolicy as NonNullable<typeof request.trustPolicy>,
              ...(request.description ? { description: request.description } : {}),
              tags,
            },
            state !== undefined,
          ),
        ]);
      }
      return changes([
        change(
          {
            action: 'create-user',
            identity: ref,
            path: g.managedPath,
            permissionsBoundaryArn: g.permissionsBoundaryArn,
            tags,
          },
          state !== undefined,
        ),
        change(
          {
            action: 'create-access-key',
            identity: ref,
            secretName: keySecretName(g.secretPrefix, ref.name),
            tags: provisioningTags(decision),
          },
          keyInPlace(state),
        ),
      ]);
    }
    case 'delete-identity': {
      const secretName = keySecretName(g.secretPrefix, ref.name);
      const secretGone = state?.keySecret ? !state.keySecret.exists : false;
      const deleteSecret = change({ action: 'delete-key-secret', identity: ref, secretName }, secretGone);
      const deleteVirtual = (serialNumber: string) =>
        change({ action: 'delete-virtual-mfa-device', identity: ref, serialNumber }, false);
      const deactivatedEarlier = ref.type === 'user' ? (input.deactivatedVirtualMfaDevices ?? []) : [];
      if (!state) {
        // A retry after DeleteUser still has the key secret (and any deactivated virtual device) to remove.
        return changes(ref.type === 'user' ? [...deactivatedEarlier.map(deleteVirtual), deleteSecret] : [], [
          `${key} does not exist`,
        ]);
      }
      const list: PlannedChange[] = [];
      if (ref.type === 'user') {
        if (state.hasLoginProfile)
          list.push(change({ action: 'delete-login-profile', identity: ref }, false));
        for (const k of state.accessKeys) {
          list.push(
            change(
              {
                action: 'delete-access-key',
                identity: ref,
                ...(k.accessKeyId ? { accessKeyId: k.accessKeyId } : {}),
                ...(k.slot ? { slot: k.slot } : {}),
              },
              false,
            ),
          );
        }
        // DeleteUser refuses while any of these remain. A virtual device is deleted right after its
        // deactivation; one deactivated by an earlier attempt is known from the trail only.
        const devices = state.mfaDevices ?? [];
        for (const serialNumber of deactivatedEarlier) {
          if (!devices.some((d) => d.serialNumber === serialNumber)) list.push(deleteVirtual(serialNumber));
        }
        for (const d of devices) {
          const serial = d.serialNumber;
          list.push(
            change(
              { action: 'deactivate-mfa-device', identity: ref, ...(serial ? { serialNumber: serial } : {}) },
              false,
            ),
          );
          if (serial && isVirtualMfaSerial(serial)) list.push(deleteVirtual(serial));
        }
        for (const certificateId of state.signingCertificates ?? []) {
          list.push(change({ action: 'delete-signing-certificate', identity: ref, certificateId }, false));
        }
        for (const sshPublicKeyId of state.sshPublicKeys ?? []) {
          list.push(change({ action: 'delete-ssh-public-key', identity: ref, sshPublicKeyId }, false));
        }
        for (const credentialId of state.serviceSpecificCredentials ?? []) {
          list.push(
            change({ action: 'delete-service-specific-credential', identity: ref, credentialId }, false),
          );
        }
        for (const groupName of state.groups) {
          list.push(change({ action: 'remove-from-group', identity: ref, groupName }, false));
        }
      } else {
        for (const instanceProfileName of state.instanceProfiles) {
          list.push(
            change({ action: 'remove-from-instance-profile', identity: ref, instanceProfileName }, false),
          );
        }
      }
      for (const policyArn of state.attachedPolicyArns) {
        list.push(change({ action: 'detach-policy', identity: ref, policyArn }, false));
      }
      for (const p of state.inlinePolicies) {
        list.push(change({ action: 'delete-inline-policy', identity: ref, policyName: p.name }, false));
      }
      list.push(change({ action: 'delete-identity', identity: ref }, false));
      if (ref.type === 'user') list.push(deleteSecret);
      return changes(list);
    }
    default:
      return {
        outcome: 'not-applicable',
        identityKey: key,
        reason: `a ${request.kind} decision is not executed by the provision function`,
      };
  }
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
