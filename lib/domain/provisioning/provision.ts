import type { Clock } from '../../ports/clock.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { CallOutcome, IamAdmin } from '../../ports/iam-admin.js';
import type { PolicyDocumentReader } from '../../ports/policy-documents.js';
import type { RevokeScheduler } from '../../ports/revoke-scheduler.js';
import type { SecretVault } from '../../ports/secret-vault.js';
import { type Decision, isInForce } from '../decision.js';
import { entitlementKey } from '../request.js';
import { admitDecisionEvent } from './admission.js';
import { applyChange } from './apply/index.js';
import { CallLog, type RetryPolicy } from './call-log.js';
import { isVirtualMfaSerial, mfaDeviceTargetPrefix } from './changes.js';
import { ExecutionRun } from './execution-run.js';
import { failAttempt, refuseExecution, replayCompleted } from './failure.js';
import { openFinding } from './findings.js';
import { type Guardrails, keySecretName } from './guardrails.js';
import type { IdentityState } from './identity-state.js';
import { pinnedPolicyRefusal, policyChangedFinding } from './pinned-policy.js';
import { intentOf, needsStillGranted, planChanges } from './plan.js';
import type { DecisionEvent } from './verify.js';

export interface ProvisionConfig {
  readonly guardrails: Guardrails;
  /** This function's principal, written on every execution record. */
  readonly executor: string;
  /** Retries of one AWS call within an invocation. */
  readonly callRetry: RetryPolicy;
  /** Failed invocations of one decision version (retryable errors) before it is failed for good. */
  readonly maxInvocationAttempts: number;
  /** Recovery window of a deleted user's key secret. */
  readonly secretRecoveryWindowDays: number;
}

export const DEFAULT_PROVISION_LIMITS = {
  callRetry: { attempts: 3, baseDelayMs: 200 },
  maxInvocationAttempts: 3,
  secretRecoveryWindowDays: 7,
} as const;

export interface ProvisionDeps {
  /** The account this function acts in: a decision of another account is refused (admission.ts). */
  readonly account?: string;
  readonly decisions: Pick<DecisionStore, 'get' | 'listByIdentity'>;
  readonly trail: ExecutionTrail;
  readonly findings: FindingStore;
  readonly iam: IamAdmin;
  readonly vault: SecretVault;
  readonly scheduler: RevokeScheduler;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly config: ProvisionConfig;
  /** Reads a managed policy's default version: an attach is refused when it is not the approved one. */
  readonly policies?: Pick<PolicyDocumentReader, 'managedPolicy'>;
}

export interface ChangeResult {
  readonly action: string;
  readonly target: string;
  /** `recorded-earlier`: an earlier attempt did and recorded it; this one made no call. */
  readonly outcome: CallOutcome | 'recorded-earlier';
}

/** What one provision invocation did. Never holds key material. */
export interface ProvisionOutcome {
  readonly decisionId: string;
  readonly version: number;
  readonly kind: string;
  readonly identityKey: string;
  /**
   * `succeeded`: the change is in place and recorded; `already-complete`: an earlier attempt finished it;
   * `forged`: the event was not backed by its decision (finding opened, nothing done);
   * `ignored`: verified, but not the provision function's business (finding opened, nothing done).
   * Only `succeeded` and `already-complete` are outcomes idempotency may remember.
   */
  readonly status: 'succeeded' | 'already-complete' | 'forged' | 'ignored' | 'expired';
  readonly changes: readonly ChangeResult[];
  readonly notes: readonly string[];
  readonly reason?: string;
  /** Milliseconds from decision to the `complete` record: the provisioning latency. */
  readonly latencyMs?: number;
}

/**
 * Virtual MFA devices of a deleted user that an earlier attempt recorded as deactivated: once
 * deactivated a device no longer shows on the user, so the trail is where its pending deletion is known.
 */
function deactivatedVirtualMfaDevices(run: ExecutionRun, decision: Decision): string[] {
  const ref = decision.request.identity;
  if (decision.kind !== 'delete-identity' || ref.type !== 'user') return [];
  const prefix = mfaDeviceTargetPrefix(ref);
  const serials = run
    .recordedTargets('deactivate-mfa-device')
    .filter((t) => t.startsWith(prefix))
    .map((t) => t.slice(prefix.length))
    .filter(isVirtualMfaSerial);
  return [...new Set(serials)];
}

/**
 * The provision use case: re-verifies a decision event against the stored decision, plans the change
 * within the guardrails, applies it step by step (each step idempotent, each recorded once in the
 * append-only trail), schedules the revoke of a just-in-time grant, and ends with a `complete` record.
 */
export class ProvisionDecision {
  constructor(private readonly deps: ProvisionDeps) {}

  /**
   * The gate before any effect: verifies the event against the decision re-read with a consistent
   * read. A refused event (forged, stale, or not this function's business) has its finding written and
   * comes back as the outcome to report; it must never be remembered by idempotency.
   */
  async admit(
    event: DecisionEvent,
  ): Promise<{ ok: true; decision: Decision } | { ok: false; outcome: ProvisionOutcome }> {
    const admission = await admitDecisionEvent(
      { ...this.deps, source: 'provisioning' },
      event,
      (d) => intentOf(d) !== undefined,
      (d) => `a ${d.status} ${d.kind} decision needs nothing from the provision function`,
    );
    if (admission.ok) return admission;
    const outcome: ProvisionOutcome = {
      decisionId: event.decisionId,
      version: event.version,
      kind: event.kind,
      identityKey: event.identityKey,
      status: admission.status,
      changes: [],
      notes: [],
      reason: admission.reason,
    };
    return { ok: false, outcome };
  }

  /**
   * Handles one decision event: `admit`, then `execute`.
   * @throws ProvisioningFailedError when the execution failed for good (record, finding written).
   * @throws ProvisioningRetryError when an attempt failed on something that may pass; retry the event.
   */
  async handle(event: DecisionEvent): Promise<ProvisionOutcome> {
    const admission = await this.admit(event);
    return admission.ok ? this.execute(admission.decision) : admission.outcome;
  }

  /**
   * Executes a decision that `admit` verified.
   * @throws ProvisioningFailedError, ProvisioningRetryError as `handle`.
   */
  async execute(decision: Decision): Promise<ProvisionOutcome> {
    const { clock, config } = this.deps;
    const startedAt = clock.now().toISOString();
    const base = {
      decisionId: decision.id,
      version: decision.version,
      kind: decision.kind,
      identityKey: decision.identityKey,
    };
    const run = await ExecutionRun.resume(decision, this.deps.trail, clock, config.executor);
    const replay = await replayCompleted({ run, decision, ...this.failureDeps() });
    if (replay)
      return { ...base, status: 'already-complete', changes: [], notes: [], latencyMs: replay.latencyMs };

    const inspect = new CallLog(clock, this.deps.sleep, config.callRetry);
    let state: IdentityState | undefined;
    let plan: ReturnType<typeof planChanges>;
    try {
      state = await inspect.read(() => this.readState(decision));
      const stillGranted = await this.stillGranted(decision);
      const revokes =
        decision.revokes ?? (decision.request.kind === 'revoke' ? decision.request.revokes : undefined);
      const revokedGrant = revokes ? await this.deps.decisions.get(revokes, { consistent: true }) : undefined;
      plan = planChanges({
        decision,
        state,
        guardrails: config.guardrails,
        stillGranted,
        ...(revokedGrant ? { revokedGrant } : {}),
        deactivatedVirtualMfaDevices: deactivatedVirtualMfaDevices(run, decision),
      });
    } catch (error) {
      return this.fail(run, decision, 'inspect', error, inspect, startedAt, undefined);
    }
    if (plan.outcome === 'not-applicable') {
      return { ...base, status: 'ignored', changes: [], notes: [], reason: plan.reason };
    }
    if (plan.outcome === 'refused') {
      return refuseExecution({
        run,
        decision,
        reason: plan.reason,
        startedAt,
        ...(state?.arn ? { identityArn: state.arn } : {}),
        ...this.failureDeps(),
      });
    }

    // What is attached must be what was approved (docs/escalation.md, pinning).
    let pinRefusal: Awaited<ReturnType<typeof pinnedPolicyRefusal>>;
    try {
      pinRefusal = await inspect.read(() => pinnedPolicyRefusal(decision, plan.changes, this.deps.policies));
    } catch (error) {
      return this.fail(run, decision, 'inspect', error, inspect, startedAt, state?.arn);
    }
    if (pinRefusal) {
      await openFinding(
        this.deps.findings,
        policyChangedFinding(decision, pinRefusal, clock.now().toISOString()),
      );
      return refuseExecution({
        run,
        decision,
        reason: pinRefusal.reason,
        startedAt,
        ...(state?.arn ? { identityArn: state.arn } : {}),
        ...this.failureDeps(),
      });
    }

    const results: ChangeResult[] = [];
    for (const c of plan.changes) {
      if (run.recorded(c.action, c.target)) {
        results.push({ action: c.action, target: c.target, outcome: 'recorded-earlier' });
        continue;
      }
      const log = new CallLog(clock, this.deps.sleep, config.callRetry);
      const stepStarted = clock.now().toISOString();
      let outcome: CallOutcome;
      try {
        outcome = await applyChange(c, {
          iam: this.deps.iam,
          vault: this.deps.vault,
          scheduler: this.deps.scheduler,
          log,
          decision,
          managedPath: config.guardrails.managedPath,
          secretRecoveryWindowDays: config.secretRecoveryWindowDays,
        });
      } catch (error) {
        return this.fail(run, decision, c.action, error, log, stepStarted, state?.arn);
      }
      await run.append({
        action: c.action,
        status: 'succeeded',
        calls: log.calls,
        startedAt: stepStarted,
        ...(state?.arn ? { identityArn: state.arn } : {}),
      });
      results.push({ action: c.action, target: c.target, outcome });
    }
    const complete = await run.complete('succeeded', startedAt, state?.arn ? { identityArn: state.arn } : {});
    return {
      ...base,
      status: 'succeeded',
      changes: results,
      notes: plan.notes,
      latencyMs: complete.latencyMs ?? 0,
    };
  }

  private failureDeps() {
    return { findings: this.deps.findings, clock: this.deps.clock, source: 'provisioning' as const };
  }

  private fail(
    run: ExecutionRun,
    decision: Decision,
    action: string,
    error: unknown,
    log: CallLog,
    startedAt: string,
    identityArn: string | undefined,
  ): Promise<never> {
    return failAttempt({
      run,
      decision,
      action,
      error,
      calls: log.calls,
      startedAt,
      ...(identityArn ? { identityArn } : {}),
      maxInvocationAttempts: this.deps.config.maxInvocationAttempts,
      ...this.failureDeps(),
    });
  }

  private async readState(decision: Decision): Promise<IdentityState | undefined> {
    const ref = decision.request.identity;
    const state = await this.deps.iam.getIdentity(ref, {
      userCredentials: decision.kind === 'delete-identity',
    });
    const needsSecret =
      ref.type === 'user' && (decision.kind === 'create-identity' || decision.kind === 'delete-identity');
    if (!needsSecret || !state) return state;
    const keySecret = await this.keySecret(keySecretName(this.deps.config.guardrails.secretPrefix, ref.name));
    return { ...state, keySecret };
  }

  private async keySecret(name: string): Promise<{ exists: boolean; accessKeyId?: string }> {
    const meta = await this.deps.vault.describe(name);
    if (!meta || meta.deletedAt) return { exists: false };
    const value = await this.deps.vault.readAccessKey(name);
    return value ? { exists: true, accessKeyId: value.accessKeyId } : { exists: true };
  }

  /** Entitlements other in-force grants keep on the identity, when a grant is being removed. */
  private async stillGranted(decision: Decision): Promise<Set<string>> {
    if (!needsStillGranted(decision)) return new Set();
    const now = this.deps.clock.now();
    const others = await this.deps.decisions.listByIdentity(
      decision.identityKey,
      // A decision without an account is about this function's own account.
      decision.accountId ?? this.deps.account,
    );
    const keys = new Set<string>();
    for (const d of others) {
      // The grant a revoke names is the one ending: it never keeps its own entitlement.
      if (d.id === decision.id || d.id === decision.revokes || !isInForce(d, now)) continue;
      if (d.request.kind === 'grant' || d.request.kind === 'break-glass')
        keys.add(entitlementKey(d.request.entitlement));
    }
    return keys;
  }
}
