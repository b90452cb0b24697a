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
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/domain/errors.js';
import type { Governance } from '../../lib/domain/governance/index.js';
import { parseCaller } from '../../lib/domain/governance/principals.js';
import { observability } from '../shared/observability.js';
import { route } from './routes.js';
import { governanceFromEnv } from './wiring.js';

export interface ApiDeps {
  readonly governance: Governance;
  /** Where 5xx errors are logged (their details never reach the caller). */
  readonly logError?: (message: string, error: unknown) => void;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Maps domain errors to HTTP: 400 with every invalid field, 403, 404, 409; 500 hides internals. */
export function errorResponse(
  error: unknown,
  logError?: ApiDeps['logError'],
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ValidationError)
    return json(400, { error: error.code, message: error.message, issues: error.issues });
  if (error instanceof ForbiddenError) return json(403, { error: error.code, message: error.message });
  if (error instanceof NotFoundError) return json(404, { error: error.code, message: error.message });
  if (error instanceof AppError && error.code === 'CONFLICT')
    return json(409, { error: error.code, message: error.message });
  logError?.('governance API request failed', error);
  return json(500, { error: 'INTERNAL', message: 'internal error' });
}

function readBody(event: APIGatewayProxyEventV2WithIAMAuthorizer): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('the request body is not valid JSON', [
      { path: 'body', message: 'not valid JSON' },
    ]);
  }
}

/** The HTTP API handler (payload 2.0, IAM authorization): the caller is `requestContext.authorizer.iam.userArn`. */
export function buildHandler(deps: ApiDeps) {
  return async (
    event: APIGatewayProxyEventV2WithIAMAuthorizer,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const caller = event.requestContext?.authorizer?.iam?.userArn;
      if (!caller) throw new ForbiddenError('no authenticated IAM caller', { code: 'UNAUTHENTICATED' });
      // Strict principal parse before any route runs: root, federated users and malformed ARNs get 400.
      parseCaller(caller, 'caller');
      const idempotencyKey = event.headers?.['idempotency-key'];
      const result = await route(deps.governance, {
        method: event.requestContext.http.method.toUpperCase(),
        path: event.rawPath,
        body: readBody(event),
        caller,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      return json(result.status, result.body);
    } catch (error) {
      return errorResponse(error, deps.logError);
    }
  };
}

const obs = observability('governance-api');

export const handler = middy(
  buildHandler({
    governance: governanceFromEnv(new DynamoDBClient({})),
    logError: (message, error) => obs.logger.error(message, error as Error),
  }),
).use(obs.middlewares);
