import type { KeyRetirementEvent } from '../domain/rotation/key-retirement-event.js';
import type { CallOutcome } from './iam-admin.js';

export interface KeyRetirementSchedule {
  /** Deterministic per (action, key, due time) (keyRetirementScheduleName): a second create is done. */
  readonly name: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, UTC. */
  readonly expression: string;
  /** What the schedule hands the rotation function when it fires. */
  readonly event: KeyRetirementEvent;
}

/**
 * One-time schedules that invoke the rotation function when a replaced access key is due to be
 * deactivated or deleted. The function re-checks the state; the schedule proves nothing.
 * Throws `ExternalCallError`.
 */
export interface KeyRetirementScheduler {
  /** Creates the schedule; an existing schedule of that name is `already-done`. */
  create(schedule: KeyRetirementSchedule): Promise<CallOutcome>;
}
