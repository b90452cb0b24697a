import type { PolicySource } from '../domain/escalation/statements.js';
import type { IdentityRef } from '../domain/identity.js';

/** A managed policy's default version. */
export interface ManagedPolicyVersion {
  readonly arn: string;
  readonly versionId: string;
  readonly document: unknown;
}

/** What an identity holds now: its identity policies (attached, inline, through groups) and its boundary. */
export interface IdentityPermissions {
  readonly arn: string;
  readonly policies: readonly PolicySource[];
  readonly boundaryArn?: string;
  /** Policies it holds whose documents could not be read (left out of the analysis). */
  readonly unread?: readonly string[];
}

/**
 * Reads policy documents without changing anything: the IAM snapshot in local mode, read-only IAM
 * calls (GetPolicy, GetPolicyVersion, GetRolePolicy, ...) when deployed.
 */
export interface PolicyDocumentReader {
  /** The default version of a managed policy; undefined when it does not exist (or is not in the snapshot). */
  managedPolicy(arn: string): Promise<ManagedPolicyVersion | undefined>;
  /** The identity's current permissions; undefined when it does not exist (or is not in the snapshot). */
  identityPermissions(ref: IdentityRef): Promise<IdentityPermissions | undefined>;
}
