import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { ForbiddenError, ValidationError } from '../../lib/domain/errors.js';
import type { Governance } from '../../lib/domain/governance/index.js';
import { parseCaller } from '../../lib/domain/governance/principals.js';
import { httpErrors, httpJson } from '../shared/error-outcomes.js';
import { route } from './routes.js';

export interface ApiDeps {
  readonly governance: Governance;
  /** Where 5xx errors are logged (their details never reach the caller). */
  readonly logError?: (message: string, error: unknown) => void;
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

/**
 * The HTTP API handler (payload 2.0, IAM authorization): the caller is `requestContext.authorizer.iam.userArn`.
 * Errors become responses in one place, the `httpErrors` middleware (functions/shared/error-outcomes.ts).
 */
export function buildHandler(
  deps: ApiDeps,
): (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2> {
  // middy defaults a missing context to {}: tests and the local pipeline may call it with the event alone.
  return middy(
    async (event: APIGatewayProxyEventV2WithIAMAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
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
      return httpJson(result.status, result.body);
    },
  ).use(httpErrors(deps.logError ? { logError: deps.logError } : {})) as (
    event: APIGatewayProxyEventV2WithIAMAuthorizer,
    context?: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
}
