import { AppError } from '../errors.js';

/**
 * An AWS call an executor made failed. Adapters raise it from SDK exceptions so the domain can tell a
 * throttle (worth retrying) from a refusal (not worth it) without knowing the SDK.
 */
export class ExternalCallError extends AppError {
  /** The AWS error name, e.g. `Throttling`, `NoSuchEntity`, `LimitExceeded`. */
  readonly awsCode: string;
  /** True for throttling, server faults and concurrent modification: the same call may succeed later. */
  readonly retryable: boolean;

  constructor(message: string, options: { awsCode: string; retryable: boolean; cause?: unknown }) {
    super('EXTERNAL_CALL_FAILED', message, { cause: options.cause });
    this.awsCode = options.awsCode;
    this.retryable = options.retryable;
  }
}

/**
 * An execution ended for good (refused by a guardrail, a non-retryable error, or retries exhausted).
 * The `complete` record says `failed` and a `provisioning-failed` finding is open; thrown so the event
 * goes through the Lambda retries to the dead-letter queue.
 */
export class ProvisioningFailedError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROVISIONING_FAILED', message, options);
  }
}

/**
 * An attempt failed on something that may pass later (throttling, a service fault). Nothing is final:
 * thrown so EventBridge and Lambda retry, and the next attempt resumes from the execution trail.
 */
export class ProvisioningRetryError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROVISIONING_RETRY', message, options);
  }
}
