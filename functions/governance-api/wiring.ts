import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { governanceFromEnv } from '../shared/governance-wiring.js';
import type { ApiDeps } from './build-handler.js';

/** Production wiring: the governance use cases over DynamoDB, from the environment (checked here). */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): ApiDeps {
  return { governance: governanceFromEnv(new DynamoDBClient({}), env) };
}
