import type { Clock } from '../../ports/clock.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { Decision } from '../decision.js';
import { AppError } from '../errors.js';
import type { ExecutionCall } from '../execution.js';
import type { FindingSource } from '../finding.js';
import { errorMessage, isRetryable } from './call-log.js';
import { ProvisioningFailedError, ProvisioningRetryError } from './errors.js';
import type { ExecutionRun } from './execution-run.js';
import { openFinding, provisioningFailedFinding } from './findings.js';

export interface FailedAttempt {
  readonly run: ExecutionRun;
  readonly decision: Decision;
  readonly action: string;
  readonly error: unknown;
  readonly calls: readonly ExecutionCall[];
  readonly startedAt: string;
  readonly identityArn?: string;
  readonly findings: FindingStore;
  readonly clock: Clock;
  readonly source: FindingSource;
  /** Failed attempts (retryable errors) after which the execution is failed for good. */
  readonly maxInvocationAttempts: number;
}

/**
 * Records a failed step, then either asks for a retry (retryable error, attempts left) or fails the
 * execution for good: a `provisioning-failed` finding first, then the `complete` record with status
 * `failed`, so a crash between the two still leaves the finding.
 * @throws ProvisioningRetryError or ProvisioningFailedError, always.
 */
export async function failAttempt(a: FailedAttempt): Promise<never> {
  const message = errorMessage(a.error);
  await a.run.append({
    action: a.action,
    status: 'failed',
    calls: a.calls,
    startedAt: a.startedAt,
    error: message,
    ...(a.identityArn ? { identityArn: a.identityArn } : {}),
  });
  // Unknown errors (a DynamoDB hiccup, a dependency crashing) may pass too; domain refusals will not.
  const retryable = isRetryable(a.error) || !(a.error instanceof AppError);
  const attempts = a.run.failedAttempts;
  if (retryable && attempts < a.maxInvocationAttempts) {
    throw new ProvisioningRetryError(
      `attempt ${attempts} of ${a.maxInvocationAttempts} at ${a.action} failed: ${message}`,
      { cause: a.error },
    );
  }
  const reason = `${a.action} failed${retryable ? ` after ${attempts} attempts` : ''}: ${message}`;
  await openFinding(
    a.findings,
    provisioningFailedFinding(a.decision, reason, a.source, a.clock.now().toISOString(), a.identityArn),
  );
  await a.run.complete('failed', a.startedAt, {
    error: reason,
    ...(a.identityArn ? { identityArn: a.identityArn } : {}),
  });
  throw new ProvisioningFailedError(reason, { cause: a.error });
}

/** Fails an execution for good without an error to retry (a guardrail refused it). */
export async function refuseExecution(a: {
  run: ExecutionRun;
  decision: Decision;
  reason: string;
  startedAt: string;
  identityArn?: string;
  findings: FindingStore;
  clock: Clock;
  source: FindingSource;
}): Promise<never> {
  await openFinding(
    a.findings,
    provisioningFailedFinding(a.decision, a.reason, a.source, a.clock.now().toISOString(), a.identityArn),
  );
  await a.run.append({
    action: 'guardrail-check',
    status: 'refused',
    calls: [],
    startedAt: a.startedAt,
    error: a.reason,
    ...(a.identityArn ? { identityArn: a.identityArn } : {}),
  });
  await a.run.complete('failed', a.startedAt, {
    error: a.reason,
    ...(a.identityArn ? { identityArn: a.identityArn } : {}),
  });
  throw new ProvisioningFailedError(`refused: ${a.reason}`);
}

/** An earlier attempt finished this version: succeeded is a replay; failed fails again for the DLQ. */
export async function replayCompleted(a: {
  run: ExecutionRun;
  decision: Decision;
  findings: FindingStore;
  clock: Clock;
  source: FindingSource;
}): Promise<{ latencyMs: number } | undefined> {
  const done = a.run.completed;
  if (!done) return undefined;
  if (done.status === 'succeeded') return { latencyMs: done.latencyMs ?? 0 };
  // Re-open the finding in case the attempt that failed died before writing it.
  const reason = done.error ?? 'execution failed';
  await openFinding(
    a.findings,
    provisioningFailedFinding(a.decision, reason, a.source, a.clock.now().toISOString()),
  );
  throw new ProvisioningFailedError(
    `decision ${a.decision.id} version ${a.decision.version} already failed: ${reason}`,
  );
}
