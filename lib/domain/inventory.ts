import * as z from 'zod';
import { IsoTimestamp, Tags } from './primitives.js';

/**
 * One normalized model of an account's IAM state, whatever it came from: live IAM
 * (GetAccountAuthorizationDetails pages and the credential report) or snapshot files
 * (`aws iam get-account-authorization-details` JSON and the credential report CSV). Scanners and the
 * local provisioning plan read only this model.
 */

export const AttachedPolicy = z.strictObject({ arn: z.string().min(1), name: z.string().min(1) });
export type AttachedPolicy = z.infer<typeof AttachedPolicy>;

export const InlinePolicy = z.strictObject({
  name: z.string().min(1),
  /** The policy document, decoded (GAAD URL-encodes it in some exports). */
  document: z.unknown().optional(),
});
export type InlinePolicy = z.infer<typeof InlinePolicy>;

const identityCommon = {
  name: z.string().min(1),
  arn: z.string().min(1),
  id: z.string().optional(),
  path: z.string().min(1),
  createdAt: IsoTimestamp,
  tags: Tags,
  attachedManagedPolicies: z.array(AttachedPolicy),
  inlinePolicies: z.array(InlinePolicy),
  permissionsBoundaryArn: z.string().optional(),
};

export const InventoryRole = z.strictObject({
  ...identityCommon,
  lastUsedAt: IsoTimestamp.optional(),
  lastUsedRegion: z.string().optional(),
  /** The trust policy (AssumeRolePolicyDocument), decoded. */
  trustPolicy: z.unknown().optional(),
  instanceProfiles: z.array(z.string()),
});
export type InventoryRole = z.infer<typeof InventoryRole>;

/** One of a user's (at most two) access keys, as the credential report shows it. */
export const AccessKey = z.strictObject({
  /** Credential report column pair: access_key_1_* or access_key_2_*. */
  slot: z.union([z.literal(1), z.literal(2)]),
  /** Known from live ListAccessKeys only; the credential report does not carry key ids. */
  accessKeyId: z.string().optional(),
  active: z.boolean(),
  lastRotatedAt: IsoTimestamp.optional(),
  lastUsedAt: IsoTimestamp.optional(),
  lastUsedService: z.string().optional(),
});
export type AccessKey = z.infer<typeof AccessKey>;

export const InventoryUser = z.strictObject({
  ...identityCommon,
  groups: z.array(z.string()),
  /** From the credential report; undefined when no report was given. */
  passwordEnabled: z.boolean().optional(),
  passwordLastUsedAt: IsoTimestamp.optional(),
  mfaActive: z.boolean().optional(),
  accessKeys: z.array(AccessKey),
  /** False when no credential report covered this user, so key rules must not assume "no keys". */
  credentialReportSeen: z.boolean(),
});
export type InventoryUser = z.infer<typeof InventoryUser>;

/** A managed policy with its default version's document (GAAD `Policies`). */
export const ManagedPolicy = z.strictObject({
  arn: z.string().min(1),
  name: z.string().min(1),
  defaultVersionId: z.string().min(1),
  /** The default version's document, decoded; absent when the export left it out. */
  document: z.unknown().optional(),
});
export type ManagedPolicy = z.infer<typeof ManagedPolicy>;

/** An IAM group: its policies reach every user in it. */
export const InventoryGroup = z.strictObject({
  name: z.string().min(1),
  arn: z.string().min(1),
  attachedManagedPolicies: z.array(AttachedPolicy),
  inlinePolicies: z.array(InlinePolicy),
});
export type InventoryGroup = z.infer<typeof InventoryGroup>;

export const IamInventory = z.strictObject({
  source: z.enum(['live', 'snapshot']),
  /** When the state was read (live) or the snapshot taken (file time, or the credential report's generation time). */
  collectedAt: IsoTimestamp,
  accountId: z.string().optional(),
  roles: z.array(InventoryRole),
  users: z.array(InventoryUser),
  /** Managed policies with their default documents, when the source had them (escalation, pinning). */
  managedPolicies: z.array(ManagedPolicy).optional(),
  /** Groups with their policies, when the source had them. */
  groups: z.array(InventoryGroup).optional(),
  /** Where the data came from, for evidence: file paths, or `iam:GetAccountAuthorizationDetails`. */
  origin: z.array(z.string()),
});
export type IamInventory = z.infer<typeof IamInventory>;
