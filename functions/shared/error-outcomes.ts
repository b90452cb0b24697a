/**
 * How an error becomes an outcome, one mapping per kind of entry point (docs/architecture.md, "Errors
 * at the entry points"). Handlers never decide this themselves: the HTTP API uses the middy middleware,
 * the EventBridge and Step Functions entries the mappers below; scheduled functions and the executors
 * let every error throw.
 *
 * | entry point                  | refusal (AppError)                                   | anything else        |
 * |------------------------------|------------------------------------------------------|----------------------|
 * | HTTP API                     | 400 / 403 / 404 / 409 with `{ error: code, message }` | 500, details logged  |
 * | EventBridge async (requests) | returned `{ refused: code, message }`, logged         | thrown: retry → DLQ  |
 * | Step Functions task          | SendTaskFailure(code, message), `{ refused }`         | thrown: retry        |
 * | EventBridge async (executors), scheduled | none: a refused event is an outcome with a finding | thrown: retry → DLQ, alarm |
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/domain/errors.js';
import type { TaskCallback } from '../../lib/ports/task-callback.js';

/** What an asynchronous entry point returns instead of throwing when retrying cannot help. */
export interface Refusal {
  readonly refused: string;
  readonly message: string;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * HTTP API: 400 with every invalid field, 403, 404, 409; anything else is a 500 that hides its details
 * (they go to `logError` only).
 */
export function httpErrorResponse(
  error: unknown,
  logError?: (message: string, error: unknown) => void,
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

/** A JSON response with a status, as the HTTP API returns it. */
export const httpJson = json;

/**
 * The HTTP API's error handler as a middy middleware (as `@middy/http-error-handler` does for
 * http-errors): every error thrown by the handler becomes its response.
 */
export function httpErrors(
  options: { readonly logError?: (message: string, error: unknown) => void } = {},
): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return {
    onError: (request) => {
      request.response = httpErrorResponse(request.error, options.logError);
    },
  };
}

/**
 * EventBridge async (governance requests): a refusal by the use case (any AppError but a CONFLICT,
 * which a retry may resolve) is returned and logged, since a retry cannot change it; anything else
 * throws, so EventBridge and Lambda retry and the dead-letter queue takes what is left. An event that
 * does not even parse is not run through this: it throws.
 */
export async function refusedOrThrown<T>(
  run: () => Promise<T>,
  warn?: (refusal: Refusal) => void,
): Promise<T | Refusal> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.code !== 'CONFLICT') {
      const refusal = { refused: error.code, message: error.message };
      warn?.(refusal);
      return refusal;
    }
    throw error;
  }
}

/**
 * Step Functions task (`.waitForTaskToken`): a refusal (any AppError) fails the waiting task at once
 * with the error code as its `error`, for the state machine's Catch; anything else, or an input without
 * a token to answer, throws and is retried.
 */
export async function failedTaskOrThrown<T>(
  run: () => Promise<T>,
  taskToken: string | undefined,
  callback: TaskCallback,
): Promise<T | Refusal> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && taskToken) {
      await callback.fail(taskToken, error.code, error.message);
      return { refused: error.code, message: error.message };
    }
    throw error;
  }
}
