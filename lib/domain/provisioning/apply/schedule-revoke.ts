import type { ChangeApplier } from './applier.js';

/** `schedule-revoke`: the one-time schedule that files the revoke of a just-in-time grant at its expiry. */
export const applyScheduleRevoke: ChangeApplier<'schedule-revoke'> = (c, { scheduler, log }) =>
  log.run('scheduler:CreateSchedule', c.target, () =>
    scheduler.create({ name: c.scheduleName, expression: c.expression, detail: c.detail }),
  );
