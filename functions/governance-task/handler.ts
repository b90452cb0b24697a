// AWS permissions this function needs (least privilege, read by infra/):
//   dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query,
//   dynamodb:ConditionCheckItem, dynamodb:TransactWriteItems on the decisions table and its indexes;
//   states:SendTaskFailure (to fail the waiting task at once when the request is refused).
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE.
// Invoked by a Step Functions task with `.waitForTaskToken`; infra sets Parameters to
//   { "taskToken.$": "$$.Task.Token", "request.$": "$.request", "requester": "<state machine role ARN>" }.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { SfnTaskCallback } from '../../lib/adapters/sfn/task-callback.js';
import { AppError } from '../../lib/domain/errors.js';
import type { Governance } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { TaskCallback } from '../../lib/ports/task-callback.js';
import { governanceFromEnv } from '../governance-api/wiring.js';
import { observability } from '../shared/observability.js';
import { GovernanceTaskInput } from './schema.js';

export interface TaskDeps {
  readonly governance: Governance;
  readonly callback: TaskCallback;
}

export type TaskResult =
  | { readonly decisionId: string; readonly status: string }
  | { readonly refused: string; readonly message: string };

/**
 * Submits the request with the task token stored on the decision (the token is the idempotency key, so
 * a retried invocation files nothing new). The workflow is answered by governance-callback when the
 * decision is final; a refused request (invalid, policy denial) fails the task at once with the error
 * code (`VALIDATION_FAILED`, `POLICY_DENIED`, ...) for the state machine's Catch.
 */
export function buildHandler(deps: TaskDeps) {
  return async (event: unknown): Promise<TaskResult> => {
    const token =
      event && typeof event === 'object' && typeof (event as { taskToken?: unknown }).taskToken === 'string'
        ? (event as { taskToken: string }).taskToken
        : undefined;
    try {
      const input = parseOrThrow(GovernanceTaskInput, event, 'Step Functions task input');
      const decision = await deps.governance.submit({
        request: input.request,
        requester: input.requester,
        source: 'step-functions',
        taskToken: input.taskToken,
        idempotencyKey: input.taskToken,
      });
      return { decisionId: decision.id, status: decision.status };
    } catch (error) {
      // Only refusals are answered here; anything else is retried by Lambda/Step Functions.
      if (error instanceof AppError && token) {
        await deps.callback.fail(token, error.code, error.message);
        return { refused: error.code, message: error.message };
      }
      throw error;
    }
  };
}

const obs = observability('governance-task');

export const handler = middy(
  buildHandler({
    governance: governanceFromEnv(new DynamoDBClient({})),
    callback: new SfnTaskCallback(new SFNClient({})),
  }),
).use(obs.middlewares);
