import { randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from '../ports/clock.js';

export const systemClock: Clock = { now: () => new Date() };

/** A fixed clock, for `--as-of` and tests. */
export function fixedClock(at: Date | string): Clock {
  const date = typeof at === 'string' ? new Date(at) : at;
  return { now: () => new Date(date.getTime()) };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULID-style ids (26 characters: 48-bit time then 80 random bits, Crockford base32): they sort by
 * creation time as text, which keeps index ranges and listings in order.
 */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[(bytes[i] ?? 0) % 32];
  return time + rand;
}

export const ulidGenerator: IdGenerator = { next: () => ulid() };
