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
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import * as z from 'zod';
import { SfnTaskCallback } from '../../lib/adapters/sfn/task-callback.js';
import { loadEnv } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ForbiddenError } from '../../lib/domain/errors.js';
import type { Governance } from '../../lib/domain/governance/index.js';
import { parseCaller, principalKey } from '../../lib/domain/governance/principals.js';
import { isPrincipalArn } from '../../lib/domain/principal.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { TaskCallback } from '../../lib/ports/task-callback.js';
import { failedTaskOrThrown, type Refusal } from '../shared/error-outcomes.js';
import { governanceFromEnv } from '../shared/governance-wiring.js';
import { observability } from '../shared/observability.js';
import { GovernanceTaskInput } from './schema.js';

export interface TaskDeps {
  readonly governance: Governance;
  readonly callback: TaskCallback;
  /** The only requesters this entry files for: the workflow roles (TASK_REQUESTER_ARNS). */
  readonly requesterArns: readonly string[];
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

/** TASK_REQUESTER_ARNS: one or more principal ARNs, comma-separated. */
export const TaskEnv = z.object({
  [FUNCTION_ENV.taskRequesterArns]: z
    .string({ error: 'is not set' })
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0),
    )
    .pipe(
      z
        .array(z.string().refine(isPrincipalArn, 'must list principal ARNs (IAM roles or users)'))
        .min(1, 'must list at least one ARN'),
    ),
});

/**
 * The allowed requesters from the environment.
 * @throws ConfigError when TASK_REQUESTER_ARNS is missing, empty or holds something else than ARNs.
 */
export function taskRequesterArns(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return loadEnv(TaskEnv, env)[FUNCTION_ENV.taskRequesterArns];
}

export type TaskResult = { readonly decisionId: string; readonly status: string } | Refusal;

/**
 * Submits the request with the task token stored on the decision (the token is the idempotency key, so
 * a retried invocation files nothing new). The workflow is answered by governance-callback when the
 * decision is final; a refused request (invalid, policy denial) fails the task at once with the error
 * code (`VALIDATION_FAILED`, `POLICY_DENIED`, ...) for the state machine's Catch. A requester that is
 * not in `requesterArns` (compared canonically) is refused with `FORBIDDEN` before anything is written.
 */
export function buildHandler(deps: TaskDeps) {
  // Canonical form, so a session of a listed role (assumed-role/<name>/<session>) is that role too.
  const allowed = new Set(deps.requesterArns.map(principalKey));
  return async (event: unknown): Promise<TaskResult> => {
    const token =
      event && typeof event === 'object' && typeof (event as { taskToken?: unknown }).taskToken === 'string'
        ? (event as { taskToken: string }).taskToken
        : undefined;
    return failedTaskOrThrown<TaskResult>(
      async () => {
        const input = parseOrThrow(GovernanceTaskInput, event, 'Step Functions task input');
        // Strict parse first: a malformed requester is invalid input (VALIDATION_FAILED), nothing written.
        const requester = parseCaller(input.requester, 'requester');
        if (!allowed.has(principalKey(requester))) {
          // A direct invoke naming someone else: file nothing (there is no decision to keep evidence on).
          deps.warn?.('task refused: requester not in TASK_REQUESTER_ARNS', { requester: input.requester });
          throw new ForbiddenError(
            `requester ${input.requester} is not a workflow role this entry accepts (TASK_REQUESTER_ARNS); nothing was filed`,
          );
        }
        const decision = await deps.governance.submit({
          request: input.request,
          requester: input.requester,
          source: 'step-functions',
          taskToken: input.taskToken,
          idempotencyKey: input.taskToken,
        });
        return { decisionId: decision.id, status: decision.status };
      },
      // Only refusals are answered here; anything else is retried by Lambda/Step Functions.
      token,
      deps.callback,
    );
  };
}

/** Production wiring: the governance use cases over DynamoDB and Step Functions, from the environment. */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): TaskDeps {
  return {
    governance: governanceFromEnv(new DynamoDBClient({}), env),
    callback: new SfnTaskCallback(new SFNClient({})),
    requesterArns: taskRequesterArns(env),
    warn: (message, details) => obs.logger.warn(message, details),
  };
}

const obs = observability('governance-task');

export const handler = middy(buildHandler(defaultDeps())).use(obs.middlewares);
