import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScanSummary } from '../../../../functions/scan/handler.js';
import { emitScanMetrics } from '../../../../functions/scan/metrics.js';

const summary: ScanSummary = {
  asOf: '2026-11-01T00:00:00.000Z',
  accountId: '111122223333',
  stored: true,
  identities: 40,
  open: 7,
  suppressed: 1,
  resolved: 2,
  written: 3,
  revokesRequested: 1,
  revokesFailed: 0,
  metricsDay: '2026-11-01',
  openByType: { 'stale-role': 4, 'unrotated-access-key': 3 },
  reviews: { inScope: 20, reviewed: 15, overdue: 5 },
};

/** The EMF documents Powertools writes to stdout, parsed. */
function captureEmf(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// One EMF document per line: another file of the same worker may have set POWERTOOLS_DEV (pretty-printed JSON).
beforeEach(() => vi.stubEnv('POWERTOOLS_DEV', undefined));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('emitScanMetrics', () => {
  it('emits open findings per type with a type dimension, and review coverage, for the dashboard', () => {
    // Arrange
    const metrics = new Metrics({ namespace: 'NhiGov', serviceName: 'scan' });
    // Act
    const docs = captureEmf(() => {
      emitScanMetrics(metrics, summary);
      metrics.publishStoredMetrics();
    });
    // Assert
    const perType = docs.filter((d) => 'type' in d);
    expect(perType.map((d) => [d.type, d.OpenFindings]).sort()).toEqual([
      ['stale-role', 4],
      ['unrotated-access-key', 3],
    ]);
    const emf = perType[0]?._aws as
      | { CloudWatchMetrics: { Dimensions: string[][]; Namespace: string }[] }
      | undefined;
    const dims = emf?.CloudWatchMetrics[0];
    expect(dims?.Namespace).toBe('NhiGov');
    expect(dims?.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'type']));
    const totals = docs.find((d) => !('type' in d));
    expect(totals).toMatchObject({
      OpenFindings: 7,
      FindingsWritten: 3,
      ReviewsCompleted: 15,
      ReviewsDue: 20,
      ReviewsOverdue: 5,
    });
  });
});
