import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { IamPolicyDocuments } from '../../lib/adapters/iam/policy-documents.js';
import { SfnTaskCallback } from '../../lib/adapters/sfn/task-callback.js';
import { loadEnv } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { submitRequest } from '../../lib/domain/governance/submit.js';
import { isPrincipalArn } from '../../lib/domain/principal.js';
import { governanceDepsFromEnv } from '../shared/governance-wiring.js';
import type { TaskDeps } from './build-handler.js';

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

/**
 * Production wiring: the one use case this function runs (submit, with the escalation analysis's
 * read-only IAM client) over DynamoDB and Step Functions, from the environment.
 */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): TaskDeps {
  const deps = governanceDepsFromEnv(new DynamoDBClient({}), env, new IamPolicyDocuments(new IAMClient({})));
  return {
    governance: { submit: (input) => submitRequest(deps, input) },
    callback: new SfnTaskCallback(new SFNClient({})),
    requesterArns: taskRequesterArns(env),
  };
}
