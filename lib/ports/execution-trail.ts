import type { ExecutionRecord } from '../domain/execution.js';

/** The executors' append-only trail. There is deliberately no update or delete. */
export interface ExecutionTrail {
  /**
   * Appends one record.
   * @throws ConflictError when a record for the same (decision, version, step) exists; it is left untouched.
   */
  append(record: ExecutionRecord): Promise<void>;

  /** Every record of one decision, in (version, step) order. */
  listForDecision(decisionId: string): Promise<ExecutionRecord[]>;

  /** Every record about one identity key, in time order. */
  listForIdentity(identityKey: string): Promise<ExecutionRecord[]>;

  /** Every record finished on a UTC day (`YYYY-MM-DD`), in time order. */
  listForDay(day: string): Promise<ExecutionRecord[]>;
}
