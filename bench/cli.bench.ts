/**
 * Benchmark: how fast the command line answers. `nhi-gov --help` from the bundled build, and
 * `nhi-gov report findings` on the example account once the embedded store is running (the first
 * command starts it; the next ones join it), each the median of 5 fresh processes, next to a bare
 * `node -e 0` on the same machine at the same time. Stops the store it started.
 *
 *   npm run bench -- --only cli
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchContext } from './index.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'nhi-gov.js');
const EXAMPLES = join(ROOT, 'examples');

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Wall milliseconds of one fresh process; throws on a non-zero exit. */
function timed(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

export async function run({ dir }: BenchContext): Promise<void> {
  // The store outlives each command (as on a terminal); stdin is not a terminal here, so say it.
  const env = { ...process.env, NHI_GOV_HOME: join(dir, '.nhi-gov'), NHI_GOV_STORE_IDLE_SECONDS: '300' };
  const runs = 5;
  timed([BIN, '--version'], env); // builds dist/cli if a source changed
  const baseline: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(timed(['-e', '0'], env));
    help.push(timed([BIN, '--help'], env));
  }
  const scan = ['scan', '--gaad', join(EXAMPLES, 'acme-gaad.json')];
  scan.push(
    '--credential-report',
    join(EXAMPLES, 'acme-credential-report.csv'),
    '--as-of',
    '2026-03-01T00:00:00Z',
  );
  try {
    const first = timed([BIN, ...scan], env);
    const reports: number[] = [];
    for (let i = 0; i < runs; i++) reports.push(timed([BIN, 'report', 'findings'], env));
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(
      [
        `command line (median of ${runs} fresh processes)`,
        `  node -e 0 (baseline):            ${s(median(baseline))}`,
        `  nhi-gov --help:                  ${s(median(help))}  (target <= 0.3 s)`,
        `  first command (scan, starts the store): ${s(first)}`,
        `  report findings, store running:  ${s(median(reports))}  (target <= 1.5 s)`,
        '',
      ].join('\n'),
    );
  } finally {
    spawnSync(process.execPath, [BIN, 'store', 'stop'], { env, stdio: 'ignore' });
  }
}
