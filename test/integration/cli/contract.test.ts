import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { flagOf } from '../../../lib/cli/options.js';
import { OUTPUT_FORMATS } from '../../../lib/cli/output.js';
import { FINDING_PROJECTION_KEYS, FindingProjection } from '../../../lib/domain/finding-projection.js';
import { buildProgram } from '../../../local/main.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = [
  '--gaad',
  `${ROOT}examples/acme-gaad.json`,
  '--credential-report',
  `${ROOT}examples/acme-credential-report.csv`,
  '--as-of',
  '2026-03-01T00:00:00Z',
];

const silentIo: CliIo = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  env: {},
  cwd: ROOT,
  now: () => new Date('2026-03-01T00:00:00Z'),
};

/** Every runnable command (a leaf, or a command with an action), as the words a user types. */
function leafCommands(): { path: string[]; cmd: Command }[] {
  const out: { path: string[]; cmd: Command }[] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...path, sub.name()];
      if (sub.commands.length === 0) out.push({ path: p, cmd: sub });
      walk(sub, p);
    }
  };
  walk(buildProgram(silentIo), []);
  return out;
}

/** Every command including groups and the top level, as the words a user types. */
function allCommandPaths(): string[][] {
  const out: string[][] = [[]];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      out.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(buildProgram(silentIo), []);
  return out;
}

describe('the one command-line contract', () => {
  describe('one finding projection (#17.9)', () => {
    it('gives scan and report findings the same JSON keys, the same values and the same CSV header', async () => {
      // Arrange: one store, scanned once.
      const env = localCliEnv('contract');
      const cwd = tempDir('nhi-gov-contract-');
      const cli = (...argv: string[]) => runCli(argv, { env, cwd, now: '2026-03-01T00:00:00Z' });

      // Act
      const scanJson = await cli('scan', ...EXAMPLE, '--format', 'json');
      const scanCsv = await cli('scan', ...EXAMPLE, '--format', 'csv');
      const reportJson = await cli(
        'report',
        'findings',
        '--format',
        'json',
        '--as-of',
        '2026-03-01T00:00:00Z',
      );
      const reportCsv = await cli('report', 'findings', '--format', 'csv', '--as-of', '2026-03-01T00:00:00Z');

      // Assert
      expect([scanJson.code, scanCsv.code, reportJson.code, reportCsv.code]).toEqual([0, 0, 0, 0]);
      const fromScan = JSON.parse(scanJson.stdout).findings as Record<string, unknown>[];
      const fromReport = JSON.parse(reportJson.stdout).findings as Record<string, unknown>[];
      expect(fromScan.length).toBeGreaterThan(0);
      for (const f of [...fromScan, ...fromReport]) {
        expect(Object.keys(f)).toEqual([...FINDING_PROJECTION_KEYS]);
        expect(FindingProjection.parse(f)).toEqual(f);
      }
      const byId = new Map(fromReport.map((f) => [f.id, f]));
      for (const f of fromScan.filter((x) => x.status === 'open')) expect(byId.get(f.id)).toEqual(f);
      const header = (csv: string) => csv.split('\r\n')[0];
      expect(header(scanCsv.stdout)).toBe(FINDING_PROJECTION_KEYS.join(','));
      expect(header(reportCsv.stdout)).toBe(header(scanCsv.stdout));
    });

    it('publishes the projection as docs/schemas/finding.schema.json with every key required', () => {
      const schema = JSON.parse(readFileSync(`${ROOT}docs/schemas/finding.schema.json`, 'utf8'));

      expect(Object.keys(schema.properties)).toEqual([...FINDING_PROJECTION_KEYS]);
      expect([...schema.required].sort()).toEqual([...FINDING_PROJECTION_KEYS].sort());
      expect(schema.additionalProperties).toBe(false);
    });
  });

  describe('the same flags everywhere (#17.10)', () => {
    const leaves = leafCommands();

    it('covers every command, plan included', () => {
      const names = leaves.map((l) => l.path.join(' '));
      expect(names).toEqual(
        expect.arrayContaining(['scan', 'plan', 'approve', 'report findings', 'decision show']),
      );
      expect(names.length).toBeGreaterThanOrEqual(20);
    });

    it.each(leafCommands().map((l) => [l.path.join(' '), l.cmd] as const))(
      '`%s` takes -f, --format from the one set and -o, --output, and no other output flag',
      (_name, cmd) => {
        const format = cmd.options.find((o) => o.long === '--format');
        const output = cmd.options.find((o) => o.long === '--output');
        expect(format?.short).toBe('-f');
        expect(output?.short).toBe('-o');
        expect(format?.defaultValue).toBe('table');
        const listed = /output format: ([a-z, ]+)$/.exec(format?.description ?? '')?.[1]?.split(', ') ?? [];
        expect(listed.length).toBeGreaterThan(0);
        for (const f of listed) expect(OUTPUT_FORMATS).toContain(f);
        expect(cmd.options.map((o) => o.long)).not.toContain('--out');
      },
    );

    it.each(
      leafCommands()
        .filter((l) => l.cmd.options.some((o) => o.long === '--as'))
        .map((l) => [l.path.join(' '), l.cmd] as const),
    )('`%s` presents --as as required: in the usage line and under "Required:"', (_name, cmd) => {
      const help = cmd.helpInformation();
      expect(help.split('\n')[0]).toContain('--as <principalArn>');
      const required = help.slice(help.indexOf('Required:'));
      expect(help).toContain('Required:');
      expect(required.split('\n\n')[0]).toContain('--as <principalArn>');
    });

    it('takes --format table and json alike on a governance command and on a report', async () => {
      const env = localCliEnv('contract');
      const cwd = tempDir('nhi-gov-contract-');
      const cli = (...argv: string[]) => runCli(argv, { env, cwd, now: '2026-03-01T00:00:00Z' });

      const oldName = await cli('decision', 'show', '01JH0Z8Q3M4XK2V7T9B6C5D4E3', '--format', 'text');
      const unsupported = await cli('decision', 'show', '01JH0Z8Q3M4XK2V7T9B6C5D4E3', '--format', 'csv');

      expect(oldName.code).toBe(2);
      expect(oldName.stderr).toBe(
        'nhi-gov: invalid options: --format: must be one of table, json, csv, html, ocsf\n',
      );
      expect(unsupported.code).toBe(2);
      expect(unsupported.stderr).toMatch(
        /^nhi-gov: --format csv: nhi-gov decision show has no csv form; use --format table, json\n$/,
      );
    });
  });

  describe('errors name what the user typed (#17.11)', () => {
    it('turns every option key back into the flag the user typed', () => {
      fc.assert(
        fc.property(fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 4 }), (words) => {
          const flag = `--${words.join('-')}`;
          const key = words.map((w, i) => (i === 0 ? w : `${w[0]?.toUpperCase()}${w.slice(1)}`)).join('');
          expect(flagOf(key)).toBe(flag);
        }),
      );
    });

    it.each([
      [['scan'], '--gaad: is required'],
      [['scan', ...EXAMPLE.slice(0, 2), '--fail-on', 'severe'], '--fail-on: '],
      [['plan', '--fail-on', 'x'], "unknown option '--fail-on'"],
      [['plan'], '--gaad: is required'],
      [['report', 'findings', '--fail-on', 'severe', '--min-severity', 'huge'], '--fail-on: '],
      [
        ['report', 'findings', '--until', '2026-01-01', '--since', '2026-02-01'],
        '--since: must be before --until',
      ],
    ])('`nhi-gov %s` names the flag, exits 2 and writes nothing', async (argv, message) => {
      const env = { ...localCliEnv('contract'), NHI_GOV_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };
      const r = await runCli(argv, { env, cwd: ROOT, now: '2026-03-01T00:00:00Z' });

      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\b(failOn|minSeverity|asOf|gaad:|permissionsBoundary)\b/);
    });
  });

  describe('help that helps (#17.12)', () => {
    it.each(allCommandPaths().map((p) => [p.join(' ') || '(top level)', p] as const))(
      '`nhi-gov %s --help` ends with examples',
      async (_name, path) => {
        const r = await runCli([...path, '--help'], { env: {}, cwd: ROOT, now: '2026-03-01T00:00:00Z' });

        expect(r.code).toBe(0);
        const examples = r.stdout.slice(r.stdout.lastIndexOf('\nExamples:\n'));
        expect(r.stdout).toContain('\nExamples:\n');
        expect(examples).toMatch(/\n {2}\$ (nhi-gov|npm|aws) /);
        if (path.length > 0 && !['decision', 'exception', 'campaign', 'report'].includes(path.join(' '))) {
          expect(examples).toContain(`nhi-gov ${path.join(' ')}`);
        }
      },
    );
  });
});
