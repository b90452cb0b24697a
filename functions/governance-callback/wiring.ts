import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnTaskCallback } from '../../lib/adapters/sfn/task-callback.js';
import { answerWorkflow } from '../../lib/domain/governance/answer-workflow.js';
import { governanceDepsFromEnv } from '../shared/governance-wiring.js';
import type { CallbackDeps } from './build-handler.js';

/**
 * Production wiring: the one use case this function runs (answerWorkflow) over DynamoDB and Step
 * Functions, from the environment. It never files a grant, so no IAM client nor the rest of the
 * governance use cases are bundled.
 */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): CallbackDeps {
  const deps = governanceDepsFromEnv(new DynamoDBClient({}), env);
  return {
    governance: { answerWorkflow: (decisionId, callback) => answerWorkflow(deps, callback, decisionId) },
    callback: new SfnTaskCallback(new SFNClient({})),
  };
}
