// AWS permissions this function needs (least privilege, read by infra/):
//   Read-only IAM for the escalation analysis of grants (docs/escalation.md): iam:GetPolicy,
//   iam:GetPolicyVersion, iam:GetRole, iam:GetUser, iam:ListAttachedRolePolicies, iam:ListRolePolicies,
//   iam:GetRolePolicy, iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy,
//   iam:ListGroupsForUser, iam:ListAttachedGroupPolicies, iam:ListGroupPolicies, iam:GetGroupPolicy.
//   dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query,
//   dynamodb:ConditionCheckItem and dynamodb:TransactWriteItems (TransactWriteItems is authorised
//   through PutItem/UpdateItem/ConditionCheckItem) on the decisions table and its indexes
//   (`<table>/index/*`). Not BatchWriteItem (it would also allow deletes): campaign items are written
//   with TransactWriteItems. No Secrets Manager, no other table, no IAM write.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE (the policy copied into the bundle).
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { type ApiDeps, buildHandler } from './build-handler.js';

const obs = observability('governance-api');

export const handler = middy(
  buildHandler({ ...defaultDeps(), logError: (message, error) => obs.logger.error(message, error as Error) }),
).use(obs.middlewares);
