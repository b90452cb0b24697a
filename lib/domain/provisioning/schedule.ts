import { createHash } from 'node:crypto';
import type { RevokeRequestedDetail } from '../events.js';

const SCHEDULE_PREFIX = 'nhi-gov-revoke-';
/** EventBridge Scheduler names are at most 64 characters of `[0-9a-zA-Z-_.]`. */
const MAX_SCHEDULE_NAME = 64;

/**
 * The one-time schedule that revokes a just-in-time grant is named after the grant, so creating it
 * twice is a conflict (done) and cancelling it needs nothing but the decision id.
 */
export function revokeScheduleName(grantDecisionId: string): string {
  const plain = `${SCHEDULE_PREFIX}${grantDecisionId}`;
  if (plain.length <= MAX_SCHEDULE_NAME) return plain;
  // Long ids (up to 64 characters) do not fit beside the prefix; a hash keeps the name deterministic.
  return `${SCHEDULE_PREFIX}${createHash('sha256').update(grantDecisionId).digest('hex').slice(0, 40)}`;
}

/**
 * The Scheduler `at()` expression for an ISO timestamp, in UTC, rounded up to the whole second so
 * the revoke never fires before the grant's expiry.
 */
export function atExpression(expiresAt: string): string {
  const ms = Date.parse(expiresAt);
  const rounded = new Date(Math.ceil(ms / 1000) * 1000).toISOString();
  return `at(${rounded.slice(0, 19)})`;
}

/** The `RevokeRequested` detail the schedule sends to the bus when the grant expires. */
export function jitRevokeDetail(grantDecisionId: string, expiresAt: string): RevokeRequestedDetail {
  return {
    schemaVersion: '1',
    decisionId: grantDecisionId,
    reason: 'jit-expiry',
    requestedBy: 'system:scheduler',
    requestedAt: new Date(Math.ceil(Date.parse(expiresAt) / 1000) * 1000).toISOString(),
  };
}
