/**
 * Order statistics shared by the scanner's daily metrics snapshot and the reports, so a median or p95
 * means the same thing in a stored metrics snapshot and in `nhi-gov report`.
 */

/** Median of the values (the mean of the two middle values for an even count); `null` when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The p-th percentile by the nearest-rank method: the smallest value with at least p% of the values at
 * or below it. It is always one of the observed values, so a "p95" is a latency someone really waited.
 * `null` when empty.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
}
