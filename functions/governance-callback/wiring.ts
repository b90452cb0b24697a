import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnTaskCallback } from '../../lib/adapters/sfn/task-callback.js';
import { governanceFromEnv } from '../shared/governance-wiring.js';
import type { CallbackDeps } from './build-handler.js';

/** Production wiring: the governance use cases over DynamoDB and Step Functions, from the environment. */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): CallbackDeps {
  return {
    governance: governanceFromEnv(new DynamoDBClient({}), env),
    callback: new SfnTaskCallback(new SFNClient({})),
  };
}
