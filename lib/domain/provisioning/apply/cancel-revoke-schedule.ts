import type { ChangeApplier } from './applier.js';

/** `cancel-revoke-schedule`: deletes the revoke schedule of a grant that ended before its expiry. */
export const applyCancelRevokeSchedule: ChangeApplier<'cancel-revoke-schedule'> = (c, { scheduler, log }) =>
  log.run('scheduler:DeleteSchedule', c.target, () => scheduler.cancel(c.scheduleName));
