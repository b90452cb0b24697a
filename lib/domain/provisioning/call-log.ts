import type { Clock } from '../../ports/clock.js';
import type { CallOutcome } from '../../ports/iam-admin.js';
import type { ExecutionCall } from '../execution.js';
import { ExternalCallError } from './errors.js';

export interface RetryPolicy {
  /** Attempts per call (1 = no retry). */
  readonly attempts: number;
  /** First back-off; doubles after each failed attempt. */
  readonly baseDelayMs: number;
}

/** True when an error is worth another attempt: throttling and faults, not refusals. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ExternalCallError && error.retryable;
}

/** The message of any thrown value, for records and findings (adapters keep secrets out of messages). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes the AWS calls of one execution step and writes them down as the step's `calls`: each attempt,
 * its outcome and duration. Retryable failures are retried with exponential back-off; every failed
 * attempt stays in the log, so the record shows the throttle and the retry that got through.
 */
export class CallLog {
  readonly calls: ExecutionCall[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly retry: RetryPolicy,
  ) {}

  /** Runs a mutating call; its result, when a CallOutcome, becomes the logged outcome. */
  async run<T>(api: string, target: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const started = this.clock.now();
      try {
        const result = await fn();
        this.calls.push({
          api,
          target,
          outcome: result === 'already-done' ? 'already-done' : 'ok',
          at: started.toISOString(),
          durationMs: this.clock.now().getTime() - started.getTime(),
        });
        return result;
      } catch (error) {
        this.calls.push({
          api,
          target,
          outcome: 'error',
          error: errorMessage(error),
          at: started.toISOString(),
          durationMs: this.clock.now().getTime() - started.getTime(),
        });
        if (!isRetryable(error) || attempt >= this.retry.attempts) throw error;
        await this.sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /** Notes a call that was not made because its effect was already in place. */
  skip(api: string, target: string): CallOutcome {
    this.calls.push({
      api,
      target,
      outcome: 'already-done',
      at: this.clock.now().toISOString(),
      durationMs: 0,
    });
    return 'already-done';
  }

  /** Runs a read with the same retries, without logging it (reads change nothing). */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.retry.attempts) throw error;
        await this.sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}
