// AWS permissions this function needs (least privilege, read by infra/):
//   Read-only IAM for the escalation analysis of grants (docs/escalation.md): iam:GetPolicy,
//   iam:GetPolicyVersion, iam:GetRole, iam:GetUser, iam:ListAttachedRolePolicies, iam:ListRolePolicies,
//   iam:GetRolePolicy, iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy,
//   iam:ListGroupsForUser, iam:ListAttachedGroupPolicies, iam:ListGroupPolicies, iam:GetGroupPolicy.
//   dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query,
//   dynamodb:ConditionCheckItem, dynamodb:TransactWriteItems on the decisions table and its indexes;
//   states:SendTaskFailure (to fail the waiting task at once when the request is refused).
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE, TASK_REQUESTER_ARNS (comma-separated workflow role
//   ARNs: the only requesters this entry accepts).
// Invoked by a Step Functions task with `.waitForTaskToken`; infra sets Parameters to
//   { "taskToken.$": "$$.Task.Token", "request.$": "$.request", "requester": "<state machine role ARN>" }.
// Anyone allowed to invoke the function directly could put any `requester` in the payload, so it is checked
// against TASK_REQUESTER_ARNS before anything is written.
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type TaskDeps, type TaskResult } from './build-handler.js';

const obs = observability('governance-task');

export const handler = middy(
  buildHandler({ ...defaultDeps(), warn: (message, details) => obs.logger.warn(message, details) }),
).use(obs.middlewares);
