import { breakGlassReviewOverdueType } from './break-glass-review-overdue.js';
import { certificationOverdueType } from './certification-overdue.js';
import { expiredExceptionType } from './expired-exception.js';
import { expiredGrantType } from './expired-grant.js';
import { forgedEventType } from './forged-event.js';
import { humanUseOfNhiType } from './human-use-of-nhi.js';
import type { FindingTypeMetadata } from './metadata.js';
import { missingAccessType } from './missing-access.js';
import { orphanedIdentityType } from './orphaned-identity.js';
import { policyChangedSinceApprovalType } from './policy-changed-since-approval.js';
import { privilegeEscalationType } from './privilege-escalation.js';
import { provisioningFailedType } from './provisioning-failed.js';
import { staleRoleType } from './stale-role.js';
import { unapprovedAccessType } from './unapproved-access.js';
import { unmanagedAccessKeyType } from './unmanaged-access-key.js';
import { unrotatedAccessKeyType } from './unrotated-access-key.js';
import { unusedAccessKeyType } from './unused-access-key.js';

/**
 * The one registry of finding types: one file per type beside this one, in report order. Every
 * per-type list (the type names, severities, framework mappings, ISO evidence filters, what a scan must
 * have read, Security Hub and OCSF types) is derived from these entries.
 */
export const FINDING_TYPE_METADATA = [
  staleRoleType,
  unusedAccessKeyType,
  unrotatedAccessKeyType,
  unapprovedAccessType,
  missingAccessType,
  expiredExceptionType,
  expiredGrantType,
  certificationOverdueType,
  breakGlassReviewOverdueType,
  orphanedIdentityType,
  humanUseOfNhiType,
  forgedEventType,
  provisioningFailedType,
  unmanagedAccessKeyType,
  privilegeEscalationType,
  policyChangedSinceApprovalType,
] as const;

/** One finding type's metadata, as registered. */
export type FindingTypeEntry = (typeof FINDING_TYPE_METADATA)[number];

/** Every finding type's name, in registry order. */
export type FindingTypeName = FindingTypeEntry['type'];

/** The finding types a scanner rule raises (`raisedBy` names `scanner`). */
export type ScannerFindingType = ScannerTypeOf<FindingTypeEntry>;
type ScannerTypeOf<E> = E extends { readonly type: infer T; readonly raisedBy: readonly (infer R)[] }
  ? 'scanner' extends R
    ? T
    : never
  : never;

/** Every finding type's name, in registry order (the order of `FindingType`'s enum). */
export const FINDING_TYPE_NAMES = FINDING_TYPE_METADATA.map((m) => m.type) as readonly FindingTypeName[];

/** Each type's metadata, by name. */
export const FINDING_TYPE_BY_NAME = Object.fromEntries(FINDING_TYPE_METADATA.map((m) => [m.type, m])) as {
  readonly [T in FindingTypeName]: Extract<FindingTypeEntry, { readonly type: T }>;
};

/** The metadata of one finding type. */
export function findingTypeMetadata(type: FindingTypeName): FindingTypeMetadata {
  return FINDING_TYPE_BY_NAME[type];
}

/** A per-type map built from one field (or a function) of every entry. */
export function perFindingType<V>(
  pick: (metadata: FindingTypeMetadata) => V,
): Readonly<Record<FindingTypeName, V>> {
  return Object.fromEntries(FINDING_TYPE_METADATA.map((m) => [m.type, pick(m)])) as Record<
    FindingTypeName,
    V
  >;
}

/** The finding types whose metadata matches, in registry order. */
export function findingTypesWhere(test: (metadata: FindingTypeMetadata) => boolean): FindingTypeName[] {
  return FINDING_TYPE_METADATA.filter((m) => test(m)).map((m) => m.type);
}
