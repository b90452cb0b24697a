import { ExternalCallError } from '../../domain/provisioning/errors.js';

/** AWS error codes (without an `Exception` suffix) worth another attempt. */
const RETRYABLE_CODES = new Set([
  'Throttling',
  'TooManyRequests',
  'RequestLimitExceeded',
  'ServiceFailure',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServiceError',
  'InternalServer',
  'ConcurrentModification',
  'RequestTimeout',
  'TimeoutError',
]);

interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
  readonly $retryable?: unknown;
}

/** The AWS error code of an SDK exception, without the SDK's `Exception` suffix (`NoSuchEntity`). */
export function awsCode(error: unknown): string {
  const name = (error as SdkErrorShape | undefined)?.name ?? 'Error';
  return name.endsWith('Exception') ? name.slice(0, -'Exception'.length) : name;
}

/** Turns an SDK exception of one call into the domain's ExternalCallError, keeping the cause. */
export function toExternalCallError(api: string, target: string, error: unknown): ExternalCallError {
  if (error instanceof ExternalCallError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const code = awsCode(error);
  const retryable = RETRYABLE_CODES.has(code) || e.$fault === 'server' || Boolean(e.$retryable);
  return new ExternalCallError(`${api} on ${target} failed: ${code}: ${e.message ?? String(error)}`, {
    awsCode: code,
    retryable,
    cause: error,
  });
}

/**
 * Runs one SDK call; errors become ExternalCallError. With `goneIsDone`, a "no such thing" error means
 * the effect (a delete, a detach) is already in place.
 */
export async function call<T>(
  api: string,
  target: string,
  fn: () => Promise<T>,
  options: { goneIsDone?: readonly string[] } = {},
): Promise<T | 'already-done'> {
  try {
    return await fn();
  } catch (error) {
    if (options.goneIsDone?.includes(awsCode(error))) return 'already-done';
    throw toExternalCallError(api, target, error);
  }
}
