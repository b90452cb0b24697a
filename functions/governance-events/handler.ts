// AWS permissions this function needs (least privilege, read by infra/):
//   Read-only IAM for the escalation analysis of grants (docs/escalation.md): iam:GetPolicy,
//   iam:GetPolicyVersion, iam:GetRole, iam:GetUser, iam:ListAttachedRolePolicies, iam:ListRolePolicies,
//   iam:GetRolePolicy, iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy,
//   iam:ListGroupsForUser, iam:ListAttachedGroupPolicies, iam:ListGroupPolicies, iam:GetGroupPolicy.
//   dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query,
//   dynamodb:ConditionCheckItem, dynamodb:TransactWriteItems on the decisions table and its indexes.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE.
// Triggered by EventBridge rules: detail-type RevokeRequested with source "nhi-gov" (JIT schedules,
// scanners), and detail-type AccessRequested from the ticketing sources listed in the policy.
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type EventsDeps, type EventsResult } from './build-handler.js';

const obs = observability('governance-events');

export const handler = middy(
  buildHandler({ ...defaultDeps(), warn: (message, details) => obs.logger.warn(message, details) }),
).use(obs.middlewares);
