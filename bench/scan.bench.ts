/**
 * Benchmark: a full `nhi-gov scan` of a generated 10,000-identity account snapshot (GAAD JSON +
 * credential report CSV, written to a temporary directory, never committed) on the embedded
 * DynamoDB Local, run twice (first scan, then a re-scan that merges with stored findings).
 * Prints identities, findings, wall time per phase and the Node process's peak RSS.
 *
 *   npm run bench -- --only scan [identities]    # 10,000 by default; e.g. 50000
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSnapshot } from '../lib/adapters/snapshot/read-snapshot.js';
import { toCredentialReportCsv, toGaadJson } from '../lib/adapters/snapshot/write-snapshot.js';
import { run as runCli } from '../lib/cli/main.js';
import type { BenchContext } from './index.js';
import { AS_OF, generate } from './support/inventory.js';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Generates the snapshot, scans it twice through the CLI, prints the figures. */
export async function run({ dir, size }: BenchContext): Promise<void> {
  const N = size ?? 10_000;
  {
    let t = performance.now();
    const account = generate(N);
    const gaad = join(dir, 'gaad.json');
    const report = join(dir, 'credential-report.csv');
    writeFileSync(gaad, toGaadJson(account, 'space'));
    writeFileSync(report, toCredentialReportCsv(account));
    const generated = performance.now() - t;

    t = performance.now();
    const inventory = await readSnapshot({ gaadPath: gaad, credentialReportPath: report });
    const parsed = performance.now() - t;

    // The scan shows its progress on a terminal; a fake terminal turns those lines into phase timings.
    let marks: { at: number; phase: string }[] = [];
    const io = {
      stdout: { write: () => true },
      stderr: {
        isTTY: true,
        write: (s: string) => {
          const phase = s
            .replaceAll('\r\x1b[2K', '')
            .replace(/^nhi-gov scan: /, '')
            .trim();
          marks.push({ at: performance.now(), phase });
          return true;
        },
      },
      env: { ...process.env, NHI_GOV_HOME: join(dir, 'home') },
      cwd: dir,
      now: () => new Date(AS_OF),
    };
    const scans: {
      ms: number;
      phases: string[];
      doc: { summary: Record<string, unknown>; findings: unknown[] };
    }[] = [];
    for (const name of ['first', 'second']) {
      const out = join(dir, `${name}.json`);
      marks = [];
      t = performance.now();
      const code = await runCli(
        [
          'scan',
          '--gaad',
          gaad,
          '--credential-report',
          report,
          '--as-of',
          AS_OF,
          '--format',
          'json',
          '--output',
          out,
        ],
        io,
      );
      const ms = performance.now() - t;
      if (code !== 0) throw new Error(`scan exited with ${code}`);
      const phases = marks
        .slice(0, -1)
        .filter((m) => m.phase !== '' && !m.phase.startsWith('wrote'))
        .map((m, i, all) => {
          const end = all[i + 1]?.at ?? t + ms;
          return `${m.phase.replace(/\d+/g, 'N')}: ${seconds(end - m.at)}`;
        });
      scans.push({ ms, phases, doc: JSON.parse(readFileSync(out, 'utf8')) });
    }
    const [first, second] = scans as [(typeof scans)[0], (typeof scans)[0]];
    const rss = process.resourceUsage().maxRSS * 1024;
    const lines = [
      `identities:              ${inventory.roles.length + inventory.users.length} (${inventory.roles.length} roles, ${inventory.users.length} users)`,
      `snapshot size:           GAAD ${mb(statSync(gaad).size)}, credential report ${mb(statSync(report).size)}`,
      `findings (first scan):   ${first.doc.findings.length} (${JSON.stringify(first.doc.summary.openBySeverity)})`,
      `findings (re-scan):      ${second.doc.findings.length}, resolved ${String(second.doc.summary.resolved)}`,
      `generate snapshot:       ${seconds(generated)}`,
      `read + parse snapshot:   ${seconds(parsed)}`,
      `scan 1 (wall, CLI):      ${seconds(first.ms)}  (includes starting DynamoDB Local and creating tables)`,
      `scan 2 (wall, CLI):      ${seconds(second.ms)}  (merges with the stored findings)`,
      `peak RSS (node process): ${mb(rss)}  (DynamoDB Local's Java process not included)`,
      'scan 1 phases:',
      ...first.phases.map((p) => `  ${p}`),
      'scan 2 phases:',
      ...second.phases.map((p) => `  ${p}`),
    ];
    process.stdout.write(`nhi-gov scan benchmark, ${N} identities\n${lines.join('\n')}\n`);
  }
}
