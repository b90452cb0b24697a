import type { ScannerFindingType } from '../../findings/types/index.js';
import { breakGlassReviewOverdue } from './break-glass-review-overdue.js';
import { certificationOverdue } from './certification-overdue.js';
import { expiredException } from './expired-exception.js';
import { expiredGrant } from './expired-grant.js';
import { humanUseOfNhi } from './human-use-of-nhi.js';
import { missingAccess } from './missing-access.js';
import { orphanedIdentity } from './orphaned-identity.js';
import { policyChangedSinceApproval } from './policy-changed-since-approval.js';
import { privilegeEscalation } from './privilege-escalation.js';
import type { ScannerRule } from './rule.js';
import { staleRole } from './stale-role.js';
import { unapprovedAccess } from './unapproved-access.js';
import { unrotatedAccessKey } from './unrotated-access-key.js';
import { unusedAccessKey } from './unused-access-key.js';

export type { FindingDraft, RevokeReason, RuleInput, ScannerRule } from './rule.js';

/**
 * The rule of every scanner finding type (metadata `raisedBy` names `scanner`), one file each: the
 * compiler refuses a scanner type without its rule here, and a rule whose type is not a scanner type.
 */
export const RULE_BY_TYPE: { readonly [T in ScannerFindingType]: ScannerRule<T> } = {
  'stale-role': staleRole,
  'unused-access-key': unusedAccessKey,
  'unrotated-access-key': unrotatedAccessKey,
  'human-use-of-nhi': humanUseOfNhi,
  'orphaned-identity': orphanedIdentity,
  'unapproved-access': unapprovedAccess,
  'missing-access': missingAccess,
  'expired-grant': expiredGrant,
  'expired-exception': expiredException,
  'certification-overdue': certificationOverdue,
  'break-glass-review-overdue': breakGlassReviewOverdue,
  'privilege-escalation': privilegeEscalation,
  'policy-changed-since-approval': policyChangedSinceApproval,
};

/** Every scanner rule, in the order a scan runs them. */
export const RULES: readonly ScannerRule[] = Object.values(RULE_BY_TYPE);
