import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { terminalProgress } from '../../../lib/cli/report/progress.js';
import { provisioningReport } from '../../../lib/domain/reports/provisioning/query.js';
import type { ReportSources } from '../../../lib/domain/reports/sources.js';

function terminal(): { io: CliIo; lines: () => string[] } {
  let err = '';
  const io: CliIo = {
    stdout: { write: () => true, isTTY: true },
    stderr: { write: (s: string) => (err += s), isTTY: true },
    env: {},
    cwd: '/',
    now: () => new Date('2026-03-01T00:00:00Z'),
  };
  // Each rewrite of the line starts with a carriage return and "erase line".
  return { io, lines: () => err.split('\r\x1b[2K').filter(Boolean) };
}

const counts = (lines: readonly string[]) =>
  lines.flatMap((l) => {
    const m = /\((\d+)\/(\d+), \d+%\)$/.exec(l);
    return m ? [Number(m[1])] : [];
  });

describe('terminalProgress', () => {
  it('never shows a smaller count after a larger one within a phase, whatever order work finishes in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 40 }), (order) => {
        // Arrange
        const { io, lines } = terminal();
        const progress = terminalProgress(io, 'report provisioning');

        // Act: counts arrive in any order, as from work done four at a time.
        for (const done of order) progress.update(done, 91, 'reading executions');

        // Assert
        const shown = counts(lines());
        expect(shown).toEqual([...shown].sort((a, b) => a - b));
        expect(Math.max(...shown)).toBe(Math.max(...order));
      }),
    );
  });

  it('starts counting again for a new phase', () => {
    const { io, lines } = terminal();
    const progress = terminalProgress(io, 'scan');

    progress.update(3, 3, 'reading');
    progress.phase('writing');
    progress.update(1, 2, 'writing findings');

    expect(lines()).toEqual([
      'scan: reading (3/3, 100%)',
      'scan: writing',
      'scan: writing findings (1/2, 50%)',
    ]);
  });

  it('writes nothing when stderr is not a terminal', () => {
    let err = '';
    const io: CliIo = { ...terminal().io, stderr: { write: (s: string) => (err += s), isTTY: false } };
    const progress = terminalProgress(io, 'scan');

    progress.phase('x');
    progress.update(1, 2, 'y');
    progress.done();

    expect(err).toBe('');
  });
});

describe('provisioningReport progress', () => {
  it('counts finished days, so the count only goes up when days finish out of order', async () => {
    // Arrange: the later a day, the sooner its query answers (fewer turns of the microtask queue;
    // no timers, so the order never depends on the machine's speed).
    let started = 0;
    const sources = {
      executions: {
        listForDay: async () => {
          for (let turns = 40 - ++started * 3; turns > 0; turns--) await Promise.resolve();
          return [];
        },
        listForDecision: async () => [],
        listForIdentity: async () => [],
      },
      decisions: { get: async () => undefined },
    } as unknown as ReportSources;
    const seen: number[] = [];

    // Act
    await provisioningReport(
      sources,
      { window: { since: '2026-02-20T00:00:00.000Z', until: '2026-03-01T00:00:00.000Z' } },
      { now: new Date('2026-03-01T00:00:00Z'), progress: (done) => seen.push(done) },
    );

    // Assert
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });
});
