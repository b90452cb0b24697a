import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh folder in the system temporary directory, removed when the test that made it finishes
 * (or, when made while the file is collected, when its file's tests are done): no test leaves a
 * folder behind. Call it in a test or at the top of a file, not in a hook (the run's check at the
 * end, test/support/global-setup.ts, fails on anything left).
 */
export function tempDir(prefix = 'nhi-gov-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove);
  }
  return dir;
}
