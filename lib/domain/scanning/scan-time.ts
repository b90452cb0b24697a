import * as z from 'zod';
import { AccountId } from '../account.js';
import { ValidationError } from '../errors.js';
import { IsoTimestamp } from '../primitives.js';

/**
 * How far a scan's as-of may lie ahead of the clock of the machine running it: clocks of a laptop,
 * a scheduler and IAM disagree by seconds, not by minutes. Anything later is a date in the future.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** One scan of one account: what it described (`asOf`) and when it ran (`ranAt`). */
export const ScanRecord = z.strictObject({
  accountId: AccountId,
  /** The scan's "now": what the findings it stored describe. */
  asOf: IsoTimestamp,
  /** The wall-clock time the scan ran. */
  ranAt: IsoTimestamp,
  source: z.enum(['live', 'snapshot']),
});
export type ScanRecord = z.infer<typeof ScanRecord>;

/**
 * Refuses an as-of later than `now` plus the clock skew: such a scan would count expiries that have
 * not happened, file revokes of grants still in force and store records dated in the future.
 * @param field names the input the date came from (`--as-of`, `asOf`) in the message.
 * @throws ValidationError naming `field`, the date and the clock.
 */
export function assertNotInFuture(asOf: Date, now: Date, field: string): void {
  if (asOf.getTime() - now.getTime() <= CLOCK_SKEW_MS) return;
  const message =
    `${field} ${asOf.toISOString()} is in the future (now is ${now.toISOString()}, ` +
    `allowed clock skew ${CLOCK_SKEW_MS / 60_000} minutes): a scan cannot describe a time that has not come`;
  throw new ValidationError(message, [{ path: field, message: 'is in the future' }]);
}

/** Whether a scan may store what it saw, and if not, why. */
export type ScanMode =
  | { readonly kind: 'write' }
  | { readonly kind: 'read-only'; readonly reason: string; readonly newest: ScanRecord };

/**
 * Time moves forward (DESIGN invariant 11): a scan dated before the newest stored scan of its
 * account would move `lastSeen` backwards and resolve findings before they were first seen, so it
 * runs read-only. The same as-of again is allowed: it is a re-run of the newest scan.
 */
export function historyMode(asOf: string, newest: ScanRecord | undefined): ScanMode {
  if (!newest || asOf >= newest.asOf) return { kind: 'write' };
  return {
    kind: 'read-only',
    newest,
    reason:
      `as-of ${asOf} is before the newest scan of account ${newest.accountId} ` +
      `(as of ${newest.asOf}, ran ${newest.ranAt}): read-only, nothing was stored and no revoke was filed`,
  };
}
