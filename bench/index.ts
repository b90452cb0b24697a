/**
 * Runs the benchmarks: every `bench/<name>.bench.ts` (a module exporting `run(context)`), in name
 * order, each in a fresh temporary directory removed afterwards. Adding a figure is adding a file.
 *
 *   npm run bench                          # all of them (the scan with 10,000 identities)
 *   npm run bench -- 50000                 # the scan with 50,000 identities
 *   npm run bench -- --only scan,cold-load # some of them
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// As bin/nhi-gov.js does: the SDK's Node 22 notice is noise in the figures. Set before the SDK loads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What every benchmark receives. */
export interface BenchContext {
  /** A temporary directory of its own, removed after it runs. */
  readonly dir: string;
  /** The command line after `npm run bench --`. */
  readonly args: readonly string[];
  /** The first bare number on the command line, if any (e.g. identities for the scan). */
  readonly size?: number;
}

export interface Benchmark {
  run(context: BenchContext): Promise<void>;
}

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : undefined;
const sizeArg = args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs' && args[i - 1] !== '--child');
const benchDir = import.meta.dirname;
const names = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((name) => !only || only.has(name))
  .sort();
if (names.length === 0) {
  process.stderr.write(`bench: no benchmark named ${[...(only ?? [])].join(', ')}\n`);
  process.exitCode = 2;
}
const childAt = args.indexOf('--child');
if (childAt >= 0) {
  // One benchmark, in this process: its peak RSS is its own.
  const name = args[childAt + 1] as string;
  const module = (await import(pathToFileURL(join(benchDir, `${name}.bench.ts`)).href)) as Benchmark;
  const dir = mkdtempSync(join(tmpdir(), `nhi-gov-bench-${name}-`));
  try {
    await module.run({ dir, args, ...(sizeArg ? { size: Number(sizeArg) } : {}) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  process.stdout.write(
    `nhi-gov benchmarks on ${process.platform}/${process.arch}, ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n\n`,
  );
  for (const name of names) {
    // Each benchmark in a fresh process (same loader flags), so no figure carries another's heap.
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, import.meta.filename, ...args, '--child', name],
      {
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) {
      process.stderr.write(`bench: ${name} failed (exit ${child.status ?? child.signal})\n`);
      process.exitCode = 1;
    }
    process.stdout.write('\n');
  }
}
