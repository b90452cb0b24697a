import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../../bin/nhi-gov.js');

/** Runs the installed entry point with stdout a pipe the reader closes after the first chunk (`| head -1`). */
function runClosingStdoutEarly(
  argv: string[],
): Promise<{ code: number | null; stderr: string; read: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    let read = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdout.once('data', (chunk) => {
      read = String(chunk);
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, read }));
  });
}

describe('bin/nhi-gov.js with a reader that stops early', () => {
  it('drops the rest of the output without a crash and keeps its exit code', async () => {
    // Act: --help prints more than one chunk's worth of lines after the reader is gone.
    const help = await runClosingStdoutEarly(['--help']);
    // Assert
    expect(help.read).toContain('Usage: nhi-gov');
    expect(help.stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
    expect(help.code).toBe(0);
  });

  it('still fails with its own exit code when its output is not read (a gate piped into head)', async () => {
    const bad = await runClosingStdoutEarly(['report', 'findings', '--fail-on', 'nonsense']);
    expect(bad.stderr).toContain('--fail-on');
    expect(bad.stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
    expect(bad.code).toBe(2);
  });
});
