import type { Clock } from '../../ports/clock.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingStore } from '../../ports/finding-store.js';
import { ROTATION_IN_PROGRESS, type SecretMetadata, type SecretVault } from '../../ports/secret-vault.js';
import type { Decision } from '../decision.js';
import { AppError } from '../errors.js';
import { admitDecisionEvent } from '../provisioning/admission.js';
import { CallLog, type RetryPolicy } from '../provisioning/call-log.js';
import { ExternalCallError } from '../provisioning/errors.js';
import { ExecutionRun } from '../provisioning/execution-run.js';
import { failAttempt, refuseExecution, replayCompleted } from '../provisioning/failure.js';
import { keySecretName } from '../provisioning/guardrails.js';
import { isKindIn, ROTATED_KINDS } from '../provisioning/kinds.js';
import type { DecisionEvent } from '../provisioning/verify.js';
import { rotationToken, TAG_ROTATION_DECISION, TAG_ROTATION_TOKEN } from './rotation-token.js';
import { STAGE } from './secret-value.js';

export interface OnDemandRotationConfig {
  readonly secretPrefix: string;
  readonly executor: string;
  readonly callRetry: RetryPolicy;
  readonly maxInvocationAttempts: number;
  /** While another rotation of the secret is pending: how often, and how long apart, to look again. */
  readonly inProgressWait: { readonly attempts: number; readonly delayMs: number };
}

/** Within the rotate function's 2-minute timeout: five looks 15 s apart, then the event is retried. */
export const DEFAULT_IN_PROGRESS_WAIT = { attempts: 5, delayMs: 15_000 } as const;

export interface OnDemandRotationDeps {
  /** The account this function acts in: a decision of another account is refused (admission.ts). */
  readonly account?: string;
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
  readonly status: 'started' | 'already-started' | 'already-complete' | 'forged' | 'ignored' | 'expired';
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
      (d) => isKindIn(ROTATED_KINDS, d.kind) && d.status === 'approved',
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
    let status: 'started' | 'already-started' | undefined;
    try {
      let meta = await this.secretOf(secretId, request.identity.name, log);
      const target = `secret:${meta.name}`;
      // Another rotation between createSecret and finishSecret blocks a new one: wait for it, within
      // bounds, then start ours (a leaked key's rotation must not be dropped for a busy secret).
      for (let waited = 0; status === undefined; waited++) {
        if (meta.versions[token]) {
          log.skip('secretsmanager:RotateSecret', target);
          status = 'already-started';
          break;
        }
        const other = otherPendingVersion(meta, token);
        if (!other) {
          try {
            await log.run('secretsmanager:RotateSecret', target, () =>
              vault.rotate(meta.arn, { token, rotationLambdaArn }),
            );
            status = 'started';
            break;
          } catch (error) {
            if (!(error instanceof ExternalCallError && error.awsCode === ROTATION_IN_PROGRESS)) throw error;
          }
        }
        if (waited >= config.inProgressWait.attempts) {
          throw new ExternalCallError(
            `another rotation of ${meta.name}${other ? ` (version ${other})` : ''} is still in progress after ${waited} waits of ${config.inProgressWait.delayMs} ms`,
            { awsCode: ROTATION_IN_PROGRESS, retryable: true },
          );
        }
        await this.deps.sleep(config.inProgressWait.delayMs);
        meta = await this.secretOf(secretId, request.identity.name, log);
      }
      // Only now that the rotation this decision asked for has started do the tags name it: tagging
      // earlier would take the attribution away from a rotation still in flight.
      if (meta.tags[TAG_ROTATION_TOKEN] !== token || meta.tags[TAG_ROTATION_DECISION] !== decision.id) {
        await log.run('secretsmanager:TagResource', target, () =>
          vault.tag(meta.arn, { [TAG_ROTATION_TOKEN]: token, [TAG_ROTATION_DECISION]: decision.id }),
        );
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
    return { ...base, status: status ?? 'started', secretId, token, latencyMs: complete.latencyMs ?? 0 };
  }

  /** The decision's secret, which must exist and hold a key of the decision's user. */
  private async secretOf(secretId: string, userName: string, log: CallLog): Promise<SecretMetadata> {
    const { vault } = this.deps;
    const meta = await log.read(() => vault.describe(secretId));
    if (!meta || meta.deletedAt) throw new SecretMismatchError(`secret ${secretId} does not exist`);
    const current = await log.read(() => vault.readAccessKey(meta.arn));
    if (current?.userName !== userName) {
      throw new SecretMismatchError(`secret ${secretId} does not hold an access key of user ${userName}`);
    }
    return meta;
  }
}

/** The version of another rotation still between createSecret and finishSecret, if any. */
function otherPendingVersion(meta: SecretMetadata, token: string): string | undefined {
  return Object.entries(meta.versions).find(
    ([id, stages]) => id !== token && stages.includes(STAGE.pending) && !stages.includes(STAGE.current),
  )?.[0];
}
