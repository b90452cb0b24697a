import type { Clock } from '../../ports/clock.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { SecretVault } from '../../ports/secret-vault.js';
import type { Decision } from '../decision.js';
import { AppError } from '../errors.js';
import { admitDecisionEvent } from '../provisioning/admission.js';
import { CallLog, type RetryPolicy } from '../provisioning/call-log.js';
import { ExecutionRun } from '../provisioning/execution-run.js';
import { failAttempt, refuseExecution, replayCompleted } from '../provisioning/failure.js';
import { keySecretName } from '../provisioning/guardrails.js';
import type { DecisionEvent } from '../provisioning/verify.js';
import { rotationToken, TAG_ROTATION_DECISION, TAG_ROTATION_TOKEN } from './rotation-token.js';

export interface OnDemandRotationConfig {
  readonly secretPrefix: string;
  readonly executor: string;
  readonly callRetry: RetryPolicy;
  readonly maxInvocationAttempts: number;
}

export interface OnDemandRotationDeps {
  readonly decisions: Pick<DecisionStore, 'get'>;
  readonly trail: ExecutionTrail;
  readonly findings: FindingStore;
  readonly vault: SecretVault;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly config: OnDemandRotationConfig;
}

export interface OnDemandRotationOutcome {
  readonly decisionId: string;
  readonly version: number;
  readonly status: 'started' | 'already-started' | 'already-complete' | 'forged' | 'ignored';
  readonly secretId?: string;
  /** The new version id Secrets Manager rotates to. */
  readonly token?: string;
  readonly reason?: string;
  readonly latencyMs?: number;
}

/** A `rotate` decision's secret is not the access-key secret of the decision's user: never rotated. */
class SecretMismatchError extends AppError {
  constructor(message: string) {
    super('SECRET_MISMATCH', message);
  }
}

/**
 * On-demand rotation from an approved `rotate` decision: re-verifies the decision like provisioning
 * does, then asks Secrets Manager to rotate the user's key secret now, with this function as the
 * rotation function. The secret is tagged with the token first, so finishSecret reports the decision.
 */
export class RotateOnDecision {
  constructor(private readonly deps: OnDemandRotationDeps) {}

  /**
   * @param rotationLambdaArn this function's own ARN, which Secrets Manager invokes for the four steps.
   * @throws ProvisioningFailedError / ProvisioningRetryError like the provision function.
   */
  async handle(event: DecisionEvent, rotationLambdaArn: string): Promise<OnDemandRotationOutcome> {
    const admission = await this.admit(event);
    return admission.ok ? this.execute(admission.decision, rotationLambdaArn) : admission.outcome;
  }

  /**
   * The gate before any effect (see `admitDecisionEvent`): a refused event has its finding written and
   * comes back as the outcome to report; it must never be remembered by idempotency.
   */
  async admit(
    event: DecisionEvent,
  ): Promise<{ ok: true; decision: Decision } | { ok: false; outcome: OnDemandRotationOutcome }> {
    const admission = await admitDecisionEvent(
      { ...this.deps, source: 'rotation' },
      event,
      (d) => d.kind === 'rotate' && d.status === 'approved',
      (d) => `a ${d.status} ${d.kind} decision is not a rotation`,
    );
    if (admission.ok) return admission;
    return {
      ok: false,
      outcome: {
        decisionId: event.decisionId,
        version: event.version,
        status: admission.status,
        reason: admission.reason,
      },
    };
  }

  /**
   * Starts the rotation a verified (`admit`) decision asks for.
   * @param rotationLambdaArn this function's own ARN, which Secrets Manager invokes for the four steps.
   * @throws ProvisioningFailedError / ProvisioningRetryError like the provision function.
   */
  async execute(decision: Decision, rotationLambdaArn: string): Promise<OnDemandRotationOutcome> {
    const { clock, config, vault, findings } = this.deps;
    const request = decision.request;
    if (request.kind !== 'rotate') {
      return { decisionId: decision.id, version: decision.version, status: 'ignored' };
    }
    const base = { decisionId: decision.id, version: decision.version };
    const secretId = request.secretId ?? keySecretName(config.secretPrefix, request.identity.name);
    const token = rotationToken(decision.id, decision.version);
    const startedAt = clock.now().toISOString();
    const common = { findings, clock, source: 'rotation' as const };
    const run = await ExecutionRun.resume(decision, this.deps.trail, clock, config.executor);
    const replay = await replayCompleted({ run, decision, ...common });
    if (replay) return { ...base, status: 'already-complete', secretId, token, latencyMs: replay.latencyMs };

    const log = new CallLog(clock, this.deps.sleep, config.callRetry);
    let status: 'started' | 'already-started';
    try {
      const meta = await log.read(() => vault.describe(secretId));
      if (!meta || meta.deletedAt) throw new SecretMismatchError(`secret ${secretId} does not exist`);
      const current = await log.read(() => vault.readAccessKey(meta.arn));
      if (current?.userName !== request.identity.name) {
        throw new SecretMismatchError(
          `secret ${secretId} does not hold an access key of user ${request.identity.name}`,
        );
      }
      if (meta.versions[token]) {
        log.skip('secretsmanager:RotateSecret', `secret:${meta.name}`);
        status = 'already-started';
      } else {
        await log.run('secretsmanager:TagResource', `secret:${meta.name}`, () =>
          vault.tag(meta.arn, { [TAG_ROTATION_TOKEN]: token, [TAG_ROTATION_DECISION]: decision.id }),
        );
        await log.run('secretsmanager:RotateSecret', `secret:${meta.name}`, () =>
          vault.rotate(meta.arn, { token, rotationLambdaArn }),
        );
        status = 'started';
      }
    } catch (error) {
      if (error instanceof SecretMismatchError) {
        return refuseExecution({ run, decision, reason: error.message, startedAt, ...common });
      }
      return failAttempt({
        run,
        decision,
        action: 'rotate-secret',
        error,
        calls: log.calls,
        startedAt,
        maxInvocationAttempts: config.maxInvocationAttempts,
        ...common,
      });
    }
    await run.append({ action: 'rotate-secret', status: 'succeeded', calls: log.calls, startedAt });
    const complete = await run.complete('succeeded', startedAt);
    return { ...base, status, secretId, token, latencyMs: complete.latencyMs ?? 0 };
  }
}
