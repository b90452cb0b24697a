import { describe, expect, it } from 'vitest';
import { durationStats } from '../../../lib/domain/metrics.js';

describe('durationStats', () => {
  it('gives the median of an even count as the mean of the middle two, p95 by nearest rank, and the max', () => {
    // 20 values 100..2000 in shuffled order: nearest-rank p95 is the 19th smallest (1900), not the max
    const values = Array.from({ length: 20 }, (_, i) => ((i * 7) % 20) * 100 + 100);
    expect(durationStats(values)).toEqual({ count: 20, medianMs: 1050, p95Ms: 1900, maxMs: 2000 });
  });

  it('reports only a count of zero when there is nothing to measure', () => {
    expect(durationStats([])).toEqual({ count: 0 });
  });
});
