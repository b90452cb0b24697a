import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { documentClient, localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { toCredentialReportCsv, toGaadJson } from '../../../lib/adapters/snapshot/write-snapshot.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { FINDING_PROJECTION_KEYS, FindingProjection } from '../../../lib/domain/finding-projection.js';
import type { IamInventory } from '../../../lib/domain/inventory.js';
import { aDecision, BOB } from '../../support/builders.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { anInventory, aRole, aUser, daysAgo } from '../../support/fakes/iam-read.js';
import { tempDir } from '../../support/temp.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const EXAMPLE = [
  '--gaad',
  `${EXAMPLES}acme-gaad.json`,
  '--credential-report',
  `${EXAMPLES}acme-credential-report.csv`,
];
const EXAMPLE_AS_OF = '2026-03-01T00:00:00Z';
const AS_OF = '2026-03-01T12:00:00Z';

const freshEnv = () => localCliEnv('scan');

function cliIn(dir: string, env = freshEnv()) {
  return (...argv: string[]) => runCli(argv, { env, cwd: dir, now: '2026-03-06T09:00:00Z' });
}

function stores(env: ReturnType<typeof freshEnv>) {
  const client = localDynamoClient(env.NHI_GOV_DYNAMODB_ENDPOINT);
  const names = localTableNames(env.NHI_GOV_TABLE_PREFIX);
  const doc = documentClient(client);
  return {
    ready: () => ensureTables(client, names),
    decisions: new DynamoDecisionStore(doc, names.decisions),
    findings: new DynamoFindingStore(doc, names.findings),
  };
}

function writeSnapshot(dir: string, name: string, inventory: IamInventory) {
  writeFileSync(join(dir, `${name}.json`), toGaadJson(inventory, 'space'));
  writeFileSync(join(dir, `${name}.csv`), toCredentialReportCsv(inventory, { style: 'iso-t' }));
  return ['--gaad', `${name}.json`, '--credential-report', `${name}.csv`];
}

describe('nhi-gov scan', () => {
  it('scans the example account as `npm start` does and prints a table of its findings', async () => {
    const cli = cliIn(tempDir('nhi-gov-scan-'));
    const { code, stdout, stderr } = await cli('scan', ...EXAMPLE, '--as-of', EXAMPLE_AS_OF);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Scanned 6 roles and 6 users as of 2026-03-01/);
    expect(stdout).toMatch(/high\s+human-use-of-nhi\s+user\/shared-admin-bot/);
    expect(stdout).toMatch(/medium\s+stale-role\s+role\/etl-nightly/);
    expect(stdout).toMatch(/low\s+orphaned-identity\s+user\/build-bot/);
    expect(stdout).not.toContain('alice');
    expect(stdout).not.toContain('AWSServiceRoleForSupport');
  });

  it('prints JSON whose findings have the one finding projection (docs/schemas/finding.schema.json)', async () => {
    const cli = cliIn(tempDir('nhi-gov-scan-'));
    const { code, stdout } = await cli('scan', ...EXAMPLE, '--as-of', EXAMPLE_AS_OF, '--format', 'json');

    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const types = new Set(doc.findings.map((f: { type: string }) => f.type));
    expect([...types].sort()).toEqual([
      'certification-overdue',
      'human-use-of-nhi',
      'orphaned-identity',
      'stale-role',
      'unapproved-access',
      'unrotated-access-key',
      'unused-access-key',
    ]);
    for (const f of doc.findings) {
      expect(Object.keys(f)).toEqual([...FINDING_PROJECTION_KEYS]);
      expect(FindingProjection.safeParse(f).success).toBe(true);
    }
    expect(doc.findings.find((f: { type: string }) => f.type === 'human-use-of-nhi')).toMatchObject({
      identityArn: 'arn:aws:iam::123456789012:user/shared-admin-bot',
      owaspNhi: ['NHI10:2025 Human Use of NHI'],
      evidence: { passwordLastUsedAt: '2026-02-26T00:00:00Z' },
    });
    expect(doc.summary).toMatchObject({ open: doc.findings.length, resolved: 0 });
  });

  it('keeps firstSeen and lists resolved findings when a later scan no longer sees them', async () => {
    const dir = tempDir('nhi-gov-scan-');
    const cli = cliIn(dir);
    const before = anInventory({
      users: [
        aUser('bot', {
          path: '/',
          accessKeys: [{ slot: 1, active: true, lastRotatedAt: daysAgo(200), lastUsedAt: daysAgo(1) }],
        }),
      ],
    });
    const first = await cli(
      'scan',
      ...writeSnapshot(dir, 'before', before),
      '--as-of',
      AS_OF,
      '--format',
      'json',
    );
    const rotated = anInventory({
      users: [
        aUser('bot', {
          path: '/',
          accessKeys: [{ slot: 1, active: true, lastRotatedAt: daysAgo(1), lastUsedAt: daysAgo(1) }],
        }),
      ],
    });
    const second = await cli(
      'scan',
      ...writeSnapshot(dir, 'after', rotated),
      '--as-of',
      '2026-03-05T00:00:00Z',
      '--format',
      'json',
    );

    const opened = JSON.parse(first.stdout).findings.find(
      (f: { type: string }) => f.type === 'unrotated-access-key',
    );
    const resolved = JSON.parse(second.stdout).resolved;
    expect(resolved).toEqual([
      expect.objectContaining({
        id: opened.id,
        status: 'resolved',
        firstSeen: '2026-03-01T12:00:00.000Z',
        resolvedAt: '2026-03-05T00:00:00.000Z',
      }),
    ]);
  });

  it('files a system revoke through local governance for an expired grant', async () => {
    const env = freshEnv();
    const s = stores(env);
    await s.ready();
    const at = '2026-02-20T09:00:00.000Z';
    const grant = aDecision({
      status: 'approved',
      version: 2,
      createdAt: at,
      updatedAt: at,
      decidedAt: at,
      expiresAt: '2026-02-21T09:00:00.000Z',
      approvals: [{ approver: BOB, at, basis: 'tier low' }],
    });
    await s.decisions.create(grant);
    const dir = tempDir('nhi-gov-scan-');
    const files = writeSnapshot(dir, 'acct', anInventory({ roles: [aRole('payments-batch')] }));

    const { code, stdout } = await cliIn(dir, env)('scan', ...files, '--as-of', AS_OF);

    expect(code).toBe(0);
    expect(stdout).toContain(`System revokes filed through governance: ${grant.id} (grant-expired)`);
    expect(await s.decisions.get(grant.id)).toMatchObject({ status: 'revoked' });
  });

  it('exits 1 with --fail-on when an open finding reaches the severity, after printing', async () => {
    const cli = cliIn(tempDir('nhi-gov-scan-'));
    const high = await cli(
      'scan',
      ...EXAMPLE,
      '--as-of',
      EXAMPLE_AS_OF,
      '--fail-on',
      'high',
      '--format',
      'csv',
    );
    expect(high.code).toBe(1);
    expect(high.stdout.split('\r\n')[0]).toBe(FINDING_PROJECTION_KEYS.join(','));
    expect(high.stderr).toMatch(/^nhi-gov: 11 open findings at or above high \(--fail-on\)\n$/);

    const critical = await cli('scan', ...EXAMPLE, '--as-of', EXAMPLE_AS_OF, '--fail-on', 'critical');
    expect(critical.code).toBe(0);
  });

  it('writes a self-contained HTML page with -o', async () => {
    const dir = tempDir('nhi-gov-scan-');
    const { code, stdout } = await cliIn(dir)(
      'scan',
      ...EXAMPLE,
      '--as-of',
      EXAMPLE_AS_OF,
      '-f',
      'html',
      '-o',
      'out/scan.html',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const html = readFileSync(join(dir, 'out/scan.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('user/shared-admin-bot');
    expect(html).not.toContain('<script');
    // The same page as the reports: a CSP, a summary, and nothing from the network but the SVG namespace.
    expect(html).toContain(`content="default-src 'none'`);
    expect(html.match(/https?:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html).toContain('class="cards"');
    expect(html).not.toMatch(/<code>\{/);

    const csv = await cliIn(dir)(
      'scan',
      ...EXAMPLE,
      '--as-of',
      EXAMPLE_AS_OF,
      '-f',
      'csv',
      '--output',
      'scan.csv',
    );
    expect(csv.code).toBe(0);
    expect(readFileSync(join(dir, 'scan.csv'), 'utf8')).toMatch(/^id,type,severity,status,/);
  });

  it('shows a monotonic counter on a terminal for the longest phase, merging and writing the findings (#17.13)', async () => {
    // Arrange: 300 stale roles, more than one write batch.
    const dir = tempDir('nhi-gov-scan-');
    const stale = anInventory({
      roles: Array.from({ length: 300 }, (_, i) => aRole(`stale-${i}`, { lastUsedAt: daysAgo(400) })),
    });
    const files = writeSnapshot(dir, 'big', stale);

    // Act
    const r = await runCli(['scan', ...files, '--as-of', AS_OF], {
      env: freshEnv(),
      cwd: dir,
      now: '2026-03-02T09:00:00Z',
      tty: true,
    });

    // Assert
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\r\x1b[2K').filter(Boolean);
    expect(lines[0]).toBe('scan: starting the local store');
    expect(lines).toContain('scan: wrote 300 findings, resolved 0');
    // The merge goes a step of 200 findings at a time, writing each step's changes before the next.
    const merging = lines.flatMap((l) => /^scan: merging findings \((\d+)\/300, \d+%\)$/.exec(l)?.[1] ?? []);
    expect(merging.map(Number)).toEqual([200, 300]);
    expect(r.stdout).not.toContain('\x1b');
  });

  it('refuses bad input with exit code 2, a one-line message naming the problem, and writes nothing', async () => {
    const env = freshEnv();
    const dir = tempDir('nhi-gov-scan-');
    writeFileSync(join(dir, 'broken.json'), '{"RoleDetailList": [ {"RoleName": "x", "Arn": 1} ]}');
    const cli = cliIn(dir, env);

    const cases = [
      [['scan'], /^nhi-gov: invalid options: --gaad: is required/],
      [['scan', '--gaad', 'missing.json'], /cannot read --gaad .*missing\.json: no such file/],
      [
        ['scan', '--gaad', 'broken.json'],
        /broken\.json at RoleDetailList\[0\]\.Arn: .*; .*broken\.json at RoleDetailList\[0\]\.CreateDate: is required/,
      ],
      [
        ['scan', '--gaad', `${EXAMPLES}acme-gaad.json`, '--format', 'pdf'],
        /--format: must be one of table, json, csv, html, ocsf/,
      ],
      [['scan', '--gaad', `${EXAMPLES}acme-gaad.json`, '--as-of', 'last week'], /--as-of: must be a day/],
      [['scan', '--gaad', `${EXAMPLES}acme-gaad.json`, '--fail-on', 'severe'], /--fail-on: /],
    ] as const;
    for (const [argv, message] of cases) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    const s = stores(env);
    await s.ready();
    expect(await s.findings.listByStatus('open')).toEqual([]);
  });
});
