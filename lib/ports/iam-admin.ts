import type { IdentityRef } from '../domain/identity.js';
import type { IdentityState } from '../domain/provisioning/identity-state.js';
import type { PolicyDocument } from '../domain/request.js';

/** `already-done`: the call found its effect in place (a delete of something already gone). */
export type CallOutcome = 'ok' | 'already-done';

export interface AccessKeyInfo {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt: string;
}

/**
 * A new access key. The secret half goes straight into Secrets Manager; it is never logged, returned
 * from a handler or written to an execution record.
 */
export interface AccessKeyMaterial {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface CreateIdentityInput {
  readonly identity: IdentityRef;
  readonly path: string;
  readonly permissionsBoundaryArn: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Roles only. */
  readonly trustPolicy?: PolicyDocument;
  readonly description?: string;
}

export interface GetIdentityOptions {
  /**
   * For a user, also list its MFA devices, signing certificates, SSH public keys and service-specific
   * credentials: only a deletion needs them (DeleteUser refuses while any remain), so other reads skip
   * the four extra calls.
   */
  readonly userCredentials?: boolean;
}

/**
 * Writes to IAM: what the provisioning and rotation functions may do to roles and users. Every method
 * throws `ExternalCallError` (lib/domain/provisioning/errors.ts) when IAM refuses or fails, with
 * `retryable` set for throttling and service faults. Deletes of things already gone return
 * `already-done`.
 */
export interface IamAdmin {
  /**
   * Reads a role or user with its policies, keys, groups and instance profiles (and for a user its
   * MFA devices, signing certificates, SSH public keys and service-specific credentials); undefined
   * when absent.
   */
  getIdentity(ref: IdentityRef, options?: GetIdentityOptions): Promise<IdentityState | undefined>;
  /** CreateRole / CreateUser. An existing name throws with awsCode `EntityAlreadyExists`. */
  createIdentity(input: CreateIdentityInput): Promise<CallOutcome>;
  attachPolicy(ref: IdentityRef, policyArn: string): Promise<CallOutcome>;
  detachPolicy(ref: IdentityRef, policyArn: string): Promise<CallOutcome>;
  putInlinePolicy(ref: IdentityRef, policyName: string, document: PolicyDocument): Promise<CallOutcome>;
  deleteInlinePolicy(ref: IdentityRef, policyName: string): Promise<CallOutcome>;
  listAccessKeys(userName: string): Promise<AccessKeyInfo[]>;
  /** CreateAccessKey. A user with two keys throws with awsCode `LimitExceeded`. */
  createAccessKey(userName: string): Promise<AccessKeyMaterial>;
  setAccessKeyStatus(
    userName: string,
    accessKeyId: string,
    status: 'Active' | 'Inactive',
  ): Promise<CallOutcome>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<CallOutcome>;
  deleteLoginProfile(userName: string): Promise<CallOutcome>;
  removeUserFromGroup(userName: string, groupName: string): Promise<CallOutcome>;
  removeRoleFromInstanceProfile(roleName: string, instanceProfileName: string): Promise<CallOutcome>;
  /** DeactivateMFADevice: unassigns the device from the user (a virtual device then still exists). */
  deactivateMfaDevice(userName: string, serialNumber: string): Promise<CallOutcome>;
  /** DeleteVirtualMFADevice; throws with awsCode `DeleteConflict` while the device is still assigned. */
  deleteVirtualMfaDevice(serialNumber: string): Promise<CallOutcome>;
  deleteSigningCertificate(userName: string, certificateId: string): Promise<CallOutcome>;
  deleteSshPublicKey(userName: string, sshPublicKeyId: string): Promise<CallOutcome>;
  deleteServiceSpecificCredential(userName: string, credentialId: string): Promise<CallOutcome>;
  /** DeleteRole / DeleteUser; throws with awsCode `DeleteConflict` while anything is still attached. */
  deleteIdentity(ref: IdentityRef): Promise<CallOutcome>;
}
