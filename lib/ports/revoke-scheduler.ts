import type { RevokeRequestedDetail } from '../domain/events.js';
import type { CallOutcome } from './iam-admin.js';

export interface RevokeSchedule {
  /** Deterministic per grant (revokeScheduleName), so a second create is a conflict, i.e. done. */
  readonly name: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, UTC. */
  readonly expression: string;
  /** What the schedule sends to the suite's bus as a `RevokeRequested` event. */
  readonly detail: RevokeRequestedDetail;
}

/**
 * One-time schedules that file a system revoke through governance when a just-in-time grant expires.
 * The schedule only sends an event to the bus; it never calls IAM. Throws `ExternalCallError`.
 */
export interface RevokeScheduler {
  /** Creates the schedule; an existing schedule of that name is `already-done`. */
  create(schedule: RevokeSchedule): Promise<CallOutcome>;
  /** Deletes the schedule; a missing one (fired, or never made) is `already-done`. */
  cancel(name: string): Promise<CallOutcome>;
}
