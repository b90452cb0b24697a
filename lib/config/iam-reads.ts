/**
 * The read-only IAM calls the escalation analysis (governance) and the pinned-policy check (provision)
 * make (lib/adapters/iam/policy-documents.ts). Infra grants exactly these; none of them writes.
 */
export const POLICY_READ_ACTIONS = ['iam:GetPolicy', 'iam:GetPolicyVersion'] as const;
export const IDENTITY_READ_ACTIONS = [
  'iam:GetRole',
  'iam:GetUser',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListGroupsForUser',
  'iam:ListAttachedGroupPolicies',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
] as const;

/** What the governance functions that file requests may read in IAM: nothing else, and never a write. */
export const GOVERNANCE_IAM_READ_ACTIONS = [...POLICY_READ_ACTIONS, ...IDENTITY_READ_ACTIONS] as const;
