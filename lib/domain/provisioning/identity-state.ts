import type { IdentityRef, IdentityType } from '../identity.js';
import type { IamInventory } from '../inventory.js';

/** One access key of a user, as far as it is known (a snapshot knows slots, not ids). */
export interface KeyState {
  readonly accessKeyId?: string;
  readonly slot?: number;
  readonly active: boolean;
  readonly createdAt?: string;
}

/**
 * What the planner needs to know about one IAM role or user: read live by the IAM adapter, or from a
 * snapshot inventory by {@link identityStateFromInventory}. The same planning code runs on both.
 */
export interface IdentityState {
  readonly type: IdentityType;
  readonly name: string;
  readonly arn?: string;
  readonly path: string;
  readonly permissionsBoundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly attachedPolicyArns: readonly string[];
  /** Inline policies; `document` is undefined when it is not known. */
  readonly inlinePolicies: readonly { readonly name: string; readonly document?: unknown }[];
  /** Users only. */
  readonly accessKeys: readonly KeyState[];
  readonly groups: readonly string[];
  readonly hasLoginProfile?: boolean;
  /**
   * Users only: MFA devices by serial number (a virtual device's serial is its ARN,
   * `arn:aws:iam::<account>:mfa/<name>`). A snapshot knows only that MFA is active, not the serials:
   * one entry without a serial. Undefined when not known at all.
   */
  readonly mfaDevices?: readonly { readonly serialNumber?: string }[];
  /** Users only, read live (a snapshot does not list them): signing certificate ids. */
  readonly signingCertificates?: readonly string[];
  /** Users only, read live: SSH public key ids (CodeCommit). */
  readonly sshPublicKeys?: readonly string[];
  /** Users only, read live: service-specific credential ids (CodeCommit, Keyspaces, Bedrock). */
  readonly serviceSpecificCredentials?: readonly string[];
  /** Roles only. */
  readonly instanceProfiles: readonly string[];
  /** The key secret of a user, when known (live only): does it exist, and which key does it hold. */
  readonly keySecret?: { readonly exists: boolean; readonly accessKeyId?: string };
}

/**
 * Reads one identity out of an inventory.
 * @returns undefined when the inventory has no such role or user.
 */
export function identityStateFromInventory(
  inventory: IamInventory,
  ref: IdentityRef,
): IdentityState | undefined {
  if (ref.type === 'role') {
    const role = inventory.roles.find((r) => r.name === ref.name);
    if (!role) return undefined;
    return {
      type: 'role',
      name: role.name,
      arn: role.arn,
      path: role.path,
      ...(role.permissionsBoundaryArn ? { permissionsBoundaryArn: role.permissionsBoundaryArn } : {}),
      tags: role.tags,
      attachedPolicyArns: role.attachedManagedPolicies.map((p) => p.arn),
      inlinePolicies: role.inlinePolicies.map((p) => ({ name: p.name, document: p.document })),
      accessKeys: [],
      groups: [],
      instanceProfiles: role.instanceProfiles,
    };
  }
  const user = inventory.users.find((u) => u.name === ref.name);
  if (!user) return undefined;
  return {
    type: 'user',
    name: user.name,
    arn: user.arn,
    path: user.path,
    ...(user.permissionsBoundaryArn ? { permissionsBoundaryArn: user.permissionsBoundaryArn } : {}),
    tags: user.tags,
    attachedPolicyArns: user.attachedManagedPolicies.map((p) => p.arn),
    inlinePolicies: user.inlinePolicies.map((p) => ({ name: p.name, document: p.document })),
    accessKeys: user.accessKeys.map((k) => ({
      ...(k.accessKeyId ? { accessKeyId: k.accessKeyId } : {}),
      slot: k.slot,
      active: k.active,
      ...(k.lastRotatedAt ? { createdAt: k.lastRotatedAt } : {}),
    })),
    groups: user.groups,
    ...(user.passwordEnabled !== undefined ? { hasLoginProfile: user.passwordEnabled } : {}),
    // The credential report says whether MFA is active, not which devices: one device, serial unknown.
    ...(user.mfaActive !== undefined ? { mfaDevices: user.mfaActive ? [{}] : [] } : {}),
    instanceProfiles: [],
  };
}
