import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, cliWorld } from './support/cli-world.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, hostileRequest, REQUESTER, VALID_REQUESTS } from './support/hostile.js';
import { type WriteWatch, watchWrites } from './support/write-watch.js';

describe('fuzz: request files (nhi-gov request --file)', () => {
  let world: CliWorld;
  let writes: WriteWatch;
  beforeAll(async () => {
    world = cliWorld('fuzz-request');
    // A stored decision, so "nothing written" also means "nothing changed".
    writeFileSync(join(world.dir, 'valid.json'), JSON.stringify(VALID_REQUESTS.grant));
    writes = await watchWrites(async () => {
      const seeded = await world.cli('request', '--as', REQUESTER, '--file', 'valid.json');
      expect(seeded.code).toBe(0);
    }, world.snapshot);
  });
  afterAll(() => {
    writes.stop();
    world.close();
  });

  it(
    `refuses ${FUZZ_RUNS} hostile request files with exit 2 naming the field, and writes nothing`,
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (hostile) => {
          // Arrange
          writeFileSync(join(world.dir, 'request.json'), JSON.stringify(hostile.value));
          // Act
          const run = await world.cli('request', '--as', REQUESTER, '--file', 'request.json');
          // Assert
          expect(run.code, `${hostile.how}: ${run.stderr.slice(0, 300)}`).toBe(2);
          expect(run.stderr).not.toContain('unexpected error');
          expect(run.stdout).toBe('');
          if (hostile.field) expect(run.stderr, hostile.how).toContain(hostile.field);
          writes.expectNoWrites(hostile.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
    },
    FUZZ_TIMEOUT_MS,
  );

  it('refuses request files that are no JSON at all, or too large to be one request, with exit 2', async () => {
    const texts = ['', '{', 'null', '[]', '"grant"', '{"kind": "grant",}', '\uFEFF{}', 'x'.repeat(100_000)];
    for (const text of texts) {
      writeFileSync(join(world.dir, 'request.json'), text);
      const run = await world.cli('request', '--as', REQUESTER, '--file', 'request.json');
      expect(run.code, text.slice(0, 20)).toBe(2);
      writes.expectNoWrites(text.slice(0, 20));
    }
    await writes.expectTablesUnchanged();
  });
});
