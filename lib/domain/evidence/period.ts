import { DAY_MS } from '../primitives.js';
import type { EvidencePeriod } from './collect.js';

/** How long one scheduled evidence period is. */
export const EVIDENCE_PERIODS = ['month', 'week', 'day'] as const;
export type EvidencePeriodUnit = (typeof EVIDENCE_PERIODS)[number];

/**
 * The last complete period before `now` (UTC): the previous calendar month, the previous ISO week
 * (Monday to Monday) or yesterday. Half-open: `since` inclusive, `until` exclusive.
 */
export function previousPeriod(now: Date, unit: EvidencePeriodUnit): EvidencePeriod {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const today = Date.UTC(y, m, now.getUTCDate());
  if (unit === 'month') {
    return {
      since: new Date(Date.UTC(y, m - 1, 1)).toISOString(),
      until: new Date(Date.UTC(y, m, 1)).toISOString(),
    };
  }
  if (unit === 'week') {
    const sinceMonday = (now.getUTCDay() + 6) % 7;
    const thisMonday = today - sinceMonday * DAY_MS;
    return {
      since: new Date(thisMonday - 7 * DAY_MS).toISOString(),
      until: new Date(thisMonday).toISOString(),
    };
  }
  return { since: new Date(today - DAY_MS).toISOString(), until: new Date(today).toISOString() };
}

/** The key prefix of one package in the archive: period, then the generation time, so runs never collide. */
export function archivePrefix(period: EvidencePeriod, generatedAt: string): string {
  const stamp = (iso: string) => iso.replace(/\.000Z$/, 'Z').replace(/:/g, '');
  return `evidence/${stamp(period.since)}_${stamp(period.until)}/${stamp(generatedAt)}/`;
}
