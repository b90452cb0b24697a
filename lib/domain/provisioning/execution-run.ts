import type { Clock } from '../../ports/clock.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { Decision } from '../decision.js';
import { ConflictError } from '../errors.js';
import {
  COMPLETE_ACTION,
  type ExecutionCall,
  type ExecutionRecord,
  type ExecutionStatus,
} from '../execution.js';
import { ProvisioningRetryError } from './errors.js';

export interface StepRecord {
  readonly action: string;
  readonly status: ExecutionStatus;
  readonly calls: readonly ExecutionCall[];
  readonly startedAt: string;
  readonly error?: string;
  readonly identityArn?: string;
}

/**
 * When the decision took effect, for provisioning latency: its approval, or for a revoked or expired
 * decision the moment it changed status.
 */
export function effectiveAt(decision: Decision): string {
  return decision.status === 'approved' ? (decision.decidedAt ?? decision.updatedAt) : decision.updatedAt;
}

/**
 * The execution trail of one decision version as an executor works through it. It starts from what an
 * earlier attempt already recorded, so a retry continues the step numbering and skips recorded steps;
 * each append is a conditional put, and the trail is never updated.
 */
export class ExecutionRun {
  private readonly records: ExecutionRecord[];
  private nextStep: number;
  readonly decidedAt: string;

  private constructor(
    private readonly decision: Decision,
    existing: readonly ExecutionRecord[],
    private readonly trail: ExecutionTrail,
    private readonly clock: Clock,
    private readonly executor: string,
  ) {
    this.records = [...existing];
    this.nextStep = existing.reduce((max, r) => Math.max(max, r.step + 1), 0);
    this.decidedAt = effectiveAt(decision);
  }

  /** Reads what earlier attempts recorded for this decision version. */
  static async resume(
    decision: Decision,
    trail: ExecutionTrail,
    clock: Clock,
    executor: string,
  ): Promise<ExecutionRun> {
    const existing = (await trail.listForDecision(decision.id)).filter(
      (r) => r.decisionVersion === decision.version,
    );
    return new ExecutionRun(decision, existing, trail, clock, executor);
  }

  /** The `complete` record, when an earlier attempt finished this version. */
  get completed(): ExecutionRecord | undefined {
    return this.records.find((r) => r.action === COMPLETE_ACTION);
  }

  /** How many attempts failed so far (each failed attempt leaves one failed step record). */
  get failedAttempts(): number {
    return this.records.filter((r) => r.status === 'failed' && r.action !== COMPLETE_ACTION).length;
  }

  /** Targets of the steps with this action that an earlier attempt recorded as succeeded. */
  recordedTargets(action: string): string[] {
    return this.records
      .filter((r) => r.status === 'succeeded' && r.action === action)
      .flatMap((r) => r.calls.map((c) => c.target));
  }

  /** True when an earlier attempt recorded this step (same action and target) as succeeded. */
  recorded(action: string, target: string): boolean {
    return this.records.some(
      (r) => r.status === 'succeeded' && r.action === action && r.calls.some((c) => c.target === target),
    );
  }

  /** Milliseconds from the decision to `at`. */
  latencyAt(at: string): number {
    return Math.max(0, Date.parse(at) - Date.parse(this.decidedAt));
  }

  /**
   * Appends the next step's record.
   * @throws ProvisioningRetryError when another execution wrote that step first (it retries later).
   */
  async append(step: StepRecord): Promise<ExecutionRecord> {
    const finishedAt = this.clock.now().toISOString();
    const record: ExecutionRecord = {
      decisionId: this.decision.id,
      decisionVersion: this.decision.version,
      step: this.nextStep,
      action: step.action,
      kind: this.decision.kind,
      status: step.status,
      identityKey: this.decision.identityKey,
      ...(step.identityArn ? { identityArn: step.identityArn } : {}),
      executor: this.executor,
      calls: [...step.calls],
      startedAt: step.startedAt,
      finishedAt,
      decidedAt: this.decidedAt,
      latencyMs: this.latencyAt(finishedAt),
      ...(step.error ? { error: step.error } : {}),
    };
    try {
      await this.trail.append(record);
    } catch (error) {
      if (error instanceof ConflictError) {
        // Only a concurrent execution of the same version can hold this step number; let it finish.
        throw new ProvisioningRetryError(
          `step ${record.step} of decision ${record.decisionId} version ${record.decisionVersion} was recorded by another execution`,
          { cause: error },
        );
      }
      throw error;
    }
    this.nextStep += 1;
    this.records.push(record);
    return record;
  }

  /** Appends the `complete` record that ends this version's execution. */
  complete(
    status: 'succeeded' | 'failed',
    startedAt: string,
    options: { error?: string; identityArn?: string } = {},
  ): Promise<ExecutionRecord> {
    return this.append({
      action: COMPLETE_ACTION,
      status,
      calls: [],
      startedAt,
      ...(options.error ? { error: options.error } : {}),
      ...(options.identityArn ? { identityArn: options.identityArn } : {}),
    });
  }
}
