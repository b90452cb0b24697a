import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { storesFor } from '../../../lib/cli/local-store.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { CONTROLS } from '../../../lib/domain/evidence/controls.js';
import { readPackageDirectory } from '../../../lib/evidence/files.js';
import { runCli } from '../../support/cli.js';
import { NOW, SEEDED, seed } from '../reports/seed.js';

const PERIOD = ['--from', '2026-01-01', '--to', '2026-03-01'];
let prefix: string;
let root: string;
let pkg: string;

const env = () => ({ NHI_GOV_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), NHI_GOV_TABLE_PREFIX: prefix });
const cli = (argv: string[]) => runCli(argv, { env: env(), cwd: root, now: NOW });
const json = (file: string) => JSON.parse(readFileSync(join(pkg, file), 'utf8'));

beforeAll(async () => {
  prefix = `ev-${randomUUID().slice(0, 8)}`;
  const client = localDynamoClient(inject('dynamoEndpoint'));
  const names = localTableNames(prefix);
  await ensureTables(client, names);
  await seed(storesFor(client, names));
  client.destroy();
  root = mkdtempSync(join(tmpdir(), 'nhi-gov-evidence-'));
  pkg = join(root, 'pkg');
  const r = await cli(['evidence', ...PERIOD, '-o', 'pkg']);
  if (r.code !== 0) throw new Error(`evidence failed: ${r.stderr}`);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('nhi-gov evidence (embedded store)', () => {
  it('writes every part as JSON and CSV, the policy by hash, the index and the manifest', () => {
    const files = [...readPackageDirectory(pkg).files.keys()].sort();

    for (const part of [
      'decisions',
      'approvals',
      'refused-attempts',
      'executions',
      'exceptions',
      'break-glass',
      'certifications',
      'findings',
      'policies',
    ]) {
      expect(files).toContain(`${part}.json`);
      expect(files).toContain(`${part}.csv`);
    }
    expect(files).toContain('index.html');
    expect(files).toContain('manifest.json');
    expect(files.filter((f) => /^policies\/[0-9a-f]{16}\.yaml$/.test(f))).toHaveLength(1);
  });

  it('keeps the execution trail apart from the decisions: no execution record in decisions.json and vice versa', () => {
    const decisions = json('decisions.json').rows as Record<string, unknown>[];
    const executions = json('executions.json').rows as Record<string, unknown>[];

    expect(decisions.length).toBeGreaterThan(0);
    expect(executions.length).toBeGreaterThan(0);
    for (const d of decisions) expect(d).not.toHaveProperty('calls');
    for (const e of executions) {
      expect(e).toHaveProperty('executor');
      expect(e).not.toHaveProperty('approvals');
    }
  });

  it('records who approved what, when, on what basis, under which policy version', () => {
    const approvals = json('approvals.json').rows as Record<string, string>[];
    const grant = approvals.find((a) => a.decisionId === SEEDED.grant);

    expect(grant).toMatchObject({ basis: expect.any(String), policyVersion: 'sha256:policy-v7' });
    expect(grant?.approver).toMatch(/^arn:aws:/);
  });

  it('lists the refused attempts and the exceptions with their risk acceptance', () => {
    const refused = json('refused-attempts.json').rows as Record<string, string>[];
    const exceptions = json('exceptions.json').rows as Record<string, unknown>[];

    expect(refused.map((r) => r.code).sort()).toEqual(['POLICY_DENIED', 'SEPARATION_OF_DUTIES']);
    expect(exceptions.map((e) => e.decisionId)).toEqual(
      expect.arrayContaining([SEEDED.exceptionActive, SEEDED.exceptionOverdue]),
    );
    for (const e of exceptions) expect(e).toHaveProperty('riskOwner');
  });

  it('maps every control in the index to at least one file with rows for it', () => {
    const html = readFileSync(join(pkg, 'index.html'), 'utf8');

    for (const control of CONTROLS) {
      const row = html.split('<tr>').find((r) => r.includes(`<strong>${control.id}</strong>`));
      expect(row, control.id).toBeDefined();
      const counts = [...(row ?? '').matchAll(/ — (\d+) rows?/g)].map((m) => Number(m[1]));
      expect(counts.length, control.id).toBe(control.evidence.length);
      expect(Math.max(...counts), control.id).toBeGreaterThan(0);
    }
  });

  it('verifies the package it wrote, and prints the digest the manifest carries', async () => {
    const manifest = json('manifest.json');

    const r = await cli(['evidence', 'verify', 'pkg']);
    const pinned = await cli(['evidence', 'verify', 'pkg', '--expect-digest', manifest.packageDigest]);

    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`package digest ${manifest.packageDigest}`);
    expect(pinned.code).toBe(0);
  });

  it('fails verify when any byte of any file is flipped, and passes again once it is restored', async () => {
    const files = [...readPackageDirectory(pkg).files.entries()];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async ([path, original], offset, xor) => {
          const at = offset % original.byteLength;
          const altered = Buffer.from(original);
          altered[at] = (altered[at] as number) ^ xor;
          writeFileSync(join(pkg, path), altered);
          try {
            const r = await cli(['evidence', 'verify', 'pkg', '--format', 'json']);
            expect(r.code, `${path}@${at}`).toBe(1);
            expect(JSON.parse(r.stdout).ok).toBe(false);
          } finally {
            writeFileSync(join(pkg, path), original);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect((await cli(['evidence', 'verify', 'pkg'])).code).toBe(0);
  });

  it('fails verify when a file is removed, added, or the digest is not the one recorded', async () => {
    const original = readFileSync(join(pkg, 'executions.csv'));
    rmSync(join(pkg, 'executions.csv'));
    const removed = await cli(['evidence', 'verify', 'pkg']);
    writeFileSync(join(pkg, 'executions.csv'), original);
    writeFileSync(join(pkg, 'extra.csv'), 'decision_id\nforged\n');
    const added = await cli(['evidence', 'verify', 'pkg']);
    rmSync(join(pkg, 'extra.csv'));
    const wrongDigest = await cli([
      'evidence',
      'verify',
      'pkg',
      '--expect-digest',
      `sha256:${'0'.repeat(64)}`,
    ]);

    expect(removed.code).toBe(1);
    expect(removed.stdout).toMatch(/missing\s+executions\.csv/);
    expect(added.code).toBe(1);
    expect(added.stdout).toMatch(/unexpected\s+extra\.csv/);
    expect(wrongDigest.code).toBe(1);
    expect((await cli(['evidence', 'verify', 'pkg'])).code).toBe(0);
  });

  it('refuses bad flags before writing anything, naming the flag (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--from', '2026-03-01', '--to', '2026-02-01', '-o', 'a'], /--from: must be before --to/],
      [['--from', '2026-02-01', '--to', '2027-01-01', '-o', 'b'], /--to: is in the future/],
      [['--from', 'yesterday', '--to', '2026-02-01', '-o', 'c'], /--from: must be a day/],
      [['--from', '2026-02-30', '--to', '2026-03-01', '-o', 'd'], /--from: must be a day/],
      [['--to', '2026-03-01', '-o', 'e'], /--from: is required/],
      [['--from', '2026-02-01', '--to', '2026-03-01'], /--output: is required/],
      [['--from', '2024-01-01', '--to', '2026-03-01', '-o', 'f'], /--from: reaches back more than/],
      [[...PERIOD, '-o', 'pkg'], /--output: pkg is not empty/],
      [[...PERIOD, '-o', 'pkg', '--region', 'mars'], /--region: must be an AWS region/],
      [[...PERIOD, '-o', 'g', '--policy', 'nope.yaml'], /cannot read policy file .*nope\.yaml/],
    ];
    for (const [argv, message] of cases) {
      const before = readdirSync(root).sort();
      const r = await cli(['evidence', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(readdirSync(root).sort(), argv.join(' ')).toEqual(before);
    }
  });

  it('replaces an earlier package with --force, but never a directory holding other files', async () => {
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');

    const replaced = await cli(['evidence', ...PERIOD, '-o', 'pkg', '--force']);
    const refused = await cli(['evidence', ...PERIOD, '-o', 'other', '--force']);

    expect(replaced.code).toBe(0);
    expect((await cli(['evidence', 'verify', 'pkg'])).code).toBe(0);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--output: other is not empty and holds no evidence package/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    expect(existsSync(join(root, 'other.partial'))).toBe(false);
  });
});
