import * as z from 'zod';
import { Id, IsoTimestamp } from './primitives.js';
import { RequestKindSchema } from './request.js';

/** One AWS API call an executor made. Parameters are summarised; secrets never appear here. */
export const ExecutionCall = z.strictObject({
  api: z.string().min(1),
  target: z.string().min(1),
  /** `already-done` is a call whose effect was already in place (idempotent retry). */
  outcome: z.enum(['ok', 'already-done', 'error']),
  error: z.string().optional(),
  at: IsoTimestamp,
  durationMs: z.number().nonnegative(),
});
export type ExecutionCall = z.infer<typeof ExecutionCall>;

export const ExecutionStatus = z.enum(['succeeded', 'failed', 'refused']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/**
 * One action an executor took for one version of one decision. Append-only: written once with a
 * conditional put and never updated or deleted.
 */
export const ExecutionRecord = z.strictObject({
  decisionId: Id,
  decisionVersion: z.number().int().positive(),
  /** Position of this action within the execution of that decision version (0, 1, ...). */
  step: z.number().int().nonnegative(),
  action: z.string().min(1),
  kind: RequestKindSchema,
  status: ExecutionStatus,
  identityKey: z.string().min(1),
  identityArn: z.string().optional(),
  /** The executor's own principal (its Lambda role, or `local:plan` on a laptop). */
  executor: z.string().min(1),
  calls: z.array(ExecutionCall),
  startedAt: IsoTimestamp,
  finishedAt: IsoTimestamp,
  /** When the decision was approved (or revoked), for provisioning latency. */
  decidedAt: IsoTimestamp.optional(),
  /** Milliseconds from decision to the end of this action. */
  latencyMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
  /** The decision id this record had before it moved into an organization hub (docs/data-model.md). */
  migratedFrom: Id.optional(),
});
export type ExecutionRecord = z.infer<typeof ExecutionRecord>;

/**
 * The action of the last record an executor writes for a decision version. Its status says how the
 * whole execution ended; the executions-table pipe turns it into `AccessProvisioned` or
 * `AccessProvisioningFailed`.
 */
export const COMPLETE_ACTION = 'complete';
