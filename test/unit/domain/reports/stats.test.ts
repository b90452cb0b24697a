import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  countBy,
  daysBetween,
  daysInRange,
  daysUntil,
  distribution,
  EXCEPTION_AGE_BUCKETS,
  FINDING_AGE_BUCKETS,
} from '../../../../lib/domain/reports/stats.js';
import { median, percentile } from '../../../../lib/domain/stats.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  it('lies between the smallest and the largest value, whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1 }), (values) => {
        const m = median(values) as number;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        expect(median([...values].reverse())).toBe(m);
      }),
    );
  });
});

describe('percentile (nearest rank)', () => {
  it('returns an observed value: p95 of 1..20 is 19, of 1..100 is 95, p100 is the maximum', () => {
    const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(percentile(oneTo(20), 95)).toBe(19);
    expect(percentile(oneTo(100), 95)).toBe(95);
    expect(percentile(oneTo(100), 100)).toBe(100);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 95)).toBeNull();
  });

  it('has at least p% of the values at or below it, and is one of them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const v = percentile(values, p) as number;
          expect(values).toContain(v);
          expect(values.filter((x) => x <= v).length / values.length).toBeGreaterThanOrEqual(p / 100);
          expect(values.filter((x) => x < v).length / values.length).toBeLessThan(p / 100);
        },
      ),
    );
  });

  it('refuses a percentile outside (0, 100]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('distribution gives count, median, p95 and max together', () => {
    expect(distribution([30_000, 150_000])).toEqual({ count: 2, median: 90_000, p95: 150_000, max: 150_000 });
    expect(distribution([])).toEqual({ count: 0, median: null, p95: null, max: null });
  });
});

describe('ages and buckets', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it('counts whole days, rounding down, negative in the future', () => {
    expect(daysBetween('2026-03-01T00:00:00.000Z', now)).toBe(0);
    expect(daysBetween('2026-02-28T12:00:00.000Z', now)).toBe(1);
    expect(daysBetween('2026-02-28T12:00:00.001Z', now)).toBe(0);
    expect(daysUntil('2026-03-10T00:00:00.000Z', now)).toBe(8);
    expect(daysUntil('2026-02-20T00:00:00.000Z', now)).toBe(-10);
  });

  it('puts each age in its bucket at the boundaries', () => {
    const labels = [0, 7, 8, 30, 31, 90, 91, 180, 181, 5000].map((d) => bucketOf(d, FINDING_AGE_BUCKETS));
    expect(labels).toEqual([
      '0-7d',
      '0-7d',
      '8-30d',
      '8-30d',
      '31-90d',
      '31-90d',
      '91-180d',
      '91-180d',
      '>180d',
      '>180d',
    ]);
    expect(bucketOf(-3, EXCEPTION_AGE_BUCKETS)).toBe('0-30d');
    expect(bucketOf(365, EXCEPTION_AGE_BUCKETS)).toBe('181-365d');
    expect(bucketOf(366, EXCEPTION_AGE_BUCKETS)).toBe('>365d');
  });

  it('lists every UTC day of a range, both ends included, across a month end', () => {
    expect(daysInRange(new Date('2026-02-27T23:00:00Z'), new Date('2026-03-02T01:00:00Z'))).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(daysInRange(new Date('2026-03-01T10:00:00Z'), new Date('2026-03-01T11:00:00Z'))).toEqual([
      '2026-03-01',
    ]);
  });

  it('counts by key in a given order, keeping zeros', () => {
    expect([...countBy(['b', 'a', 'b'], (x) => x, ['a', 'b', 'c'])]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 0],
    ]);
  });
});
