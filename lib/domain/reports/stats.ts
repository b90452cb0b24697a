/**
 * Small statistics for reports: medians, percentiles, age buckets and counts. Pure functions over
 * plain values so every report computes them the same way.
 */

import { DAY_MS } from '../primitives.js';
import { median, percentile } from '../stats.js';

/** Count, median, 95th percentile and maximum of a list of durations. */
export interface Distribution {
  readonly count: number;
  readonly median: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  return {
    count: values.length,
    median: median(values),
    p95: percentile(values, 95),
    max: values.length === 0 ? null : Math.max(...values),
  };
}

/** Whole days from `from` to `now` (negative when `from` is in the future), rounded down. */
export function daysBetween(from: string | Date, now: Date): number {
  const start = typeof from === 'string' ? Date.parse(from) : from.getTime();
  return Math.floor((now.getTime() - start) / DAY_MS);
}

/** Whole days until `to` from `now`, rounded down (0 on the last day, negative once past). */
export function daysUntil(to: string, now: Date): number {
  return Math.floor((Date.parse(to) - now.getTime()) / DAY_MS);
}

/** One bucket of an age distribution: ages in days from `min` to `max` inclusive (`max` null = open end). */
export interface AgeBucket {
  readonly label: string;
  readonly min: number;
  readonly max: number | null;
}

/** Age buckets of findings: a week, a month, a quarter, half a year, more. */
export const FINDING_AGE_BUCKETS: readonly AgeBucket[] = [
  { label: '0-7d', min: 0, max: 7 },
  { label: '8-30d', min: 8, max: 30 },
  { label: '31-90d', min: 31, max: 90 },
  { label: '91-180d', min: 91, max: 180 },
  { label: '>180d', min: 181, max: null },
];

/** Age buckets of exceptions: exceptions are meant to be short, so the long tail is what matters. */
export const EXCEPTION_AGE_BUCKETS: readonly AgeBucket[] = [
  { label: '0-30d', min: 0, max: 30 },
  { label: '31-90d', min: 31, max: 90 },
  { label: '91-180d', min: 91, max: 180 },
  { label: '181-365d', min: 181, max: 365 },
  { label: '>365d', min: 366, max: null },
];

/** The label of the bucket an age falls in; ages below zero count as the first bucket. */
export function bucketOf(ageDays: number, buckets: readonly AgeBucket[]): string {
  const age = Math.max(0, ageDays);
  const hit = buckets.find((b) => age >= b.min && (b.max === null || age <= b.max));
  return (hit ?? (buckets.at(-1) as AgeBucket)).label;
}

/** Counts items per key, in the order keys are first met (or `order` when given, zeros included). */
export function countBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  order?: readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>(order?.map((k) => [k, 0]));
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Groups items per key, keeping the order in which keys are first met. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Every UTC day (`YYYY-MM-DD`) from `since` to `until`, both included. */
export function daysInRange(since: Date, until: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const last = until.toISOString().slice(0, 10);
  for (let day = cursor.toISOString().slice(0, 10); day <= last; ) {
    days.push(day);
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    day = cursor.toISOString().slice(0, 10);
  }
  return days;
}
