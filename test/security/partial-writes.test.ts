import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../lib/adapters/dynamodb/client.js';
import { toCredentialReportCsv, toGaadJson } from '../../lib/adapters/snapshot/write-snapshot.js';
import { localTableNames } from '../../lib/config/tables.js';
import { localCliEnv, runCli } from '../support/cli.js';
import { anInventory, aRole, aUser, daysAgo } from '../support/fakes/iam-read.js';
import { allTableItems } from '../support/table-items.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NOW = '2026-03-02T09:00:00Z';
const AS_OF = '2026-03-01T12:00:00Z';
const LATER = '2026-03-02T00:00:00Z';

/**
 * One store with open findings from a first scan. Every attempt below would, if it got as far as
 * the store, resolve them (an empty account, a changed account): so "nothing written" is a real test.
 */
describe('partial writes and silent empties (local CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-partial-writes-'));
  const env = localCliEnv('partial-writes');
  const client = localDynamoClient(env.NHI_GOV_DYNAMODB_ENDPOINT);
  const names = localTableNames(env.NHI_GOV_TABLE_PREFIX);
  const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: NOW });
  const stored = () => allTableItems(client, names);
  const inventory = anInventory({
    roles: [aRole('old', { path: '/', createdAt: daysAgo(400), lastUsedAt: undefined })],
    users: [
      aUser('bot', {
        path: '/',
        accessKeys: [{ slot: 1, active: true, lastRotatedAt: daysAgo(200), lastUsedAt: daysAgo(1) }],
      }),
    ],
  });
  const gaad = JSON.parse(toGaadJson(inventory, 'space')) as Record<string, unknown[]>;
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };

  beforeAll(async () => {
    write('gaad.json', JSON.stringify(gaad));
    write('report.csv', toCredentialReportCsv(inventory, { style: 'iso-t' }));
    const first = await cli(
      'scan',
      '--gaad',
      'gaad.json',
      '--credential-report',
      'report.csv',
      '--as-of',
      AS_OF,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/stale-role/);
  });

  afterAll(() => {
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails on an -o/--output it cannot write before the findings table is touched', async () => {
    // Arrange: a snapshot without the stale role, so a scan that went ahead would resolve its finding.
    const changed = write('changed.json', JSON.stringify({ ...gaad, RoleDetailList: [] }));
    mkdirSync(join(dir, 'a-directory'), { recursive: true });
    write('a-file.txt', 'not a directory');
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'a-directory',
          'a-directory/',
          '.',
          'a-file.txt/scan.html',
          'a-file.txt/deeper/scan.json',
        ),
        fc.constantFrom('-o', '--output'),
        fc.constantFrom('table', 'json', 'csv', 'html'),
        async (target, flag, format) => {
          // Act
          const result = await cli(
            'scan',
            '--gaad',
            changed,
            flag,
            target,
            '--format',
            format,
            '--as-of',
            LATER,
          );

          // Assert
          expect(result.code, `${flag} ${target}`).toBe(2);
          expect(result.stderr).toMatch(/^nhi-gov: --output \S+: (is a directory|.*is not a directory)/);
          expect(result.stdout).toBe('');
        },
      ),
      { numRuns: 30 },
    );
    expect(await stored()).toEqual(before);
    expect(readFileSync(join(dir, 'a-file.txt'), 'utf8')).toBe('not a directory');
  });

  it('refuses an --output it cannot write on every other command before it acts', async () => {
    const before = await stored();
    const commands = [
      ['report', 'findings', '--format', 'html'],
      ['report', 'overview'],
      ['plan', '--gaad', 'gaad.json'],
      ['decision', 'show', '01JH0Z8Q3M4XK2V7T9B6C5D4E3'],
      ['request', '--file', 'missing-request.json', '--as', 'arn:aws:iam::111122223333:role/team-lead-alice'],
    ];
    for (const command of commands) {
      for (const target of ['a-directory', 'a-file.txt/out.html']) {
        const result = await cli(...command, '-o', target);
        expect(result.code, command.join(' ')).toBe(2);
        expect(result.stderr).toMatch(/^nhi-gov: --output \S+: (is a directory|.*is not a directory)/);
      }
    }
    expect(await stored()).toEqual(before);
    expect(existsSync(join(dir, 'a-directory', 'overview.html'))).toBe(false);
  });

  /** Documents that are not a GetAccountAuthorizationDetails export, however they are spelled. */
  const wrongShape = fc.oneof(
    fc.constant({}),
    fc.constant([]),
    fc.constant([{}]),
    fc.constant({ Roles: gaad.RoleDetailList, IsTruncated: false }),
    fc.constant({ Users: [], IsTruncated: false }),
    fc.constant({ Content: 'dXNlcixhcm4K', ReportFormat: 'text/csv' }),
    fc.constant({ RoleDetailList: gaad.RoleDetailList }),
    fc.constant({ UserDetailList: gaad.UserDetailList, GroupDetailList: [], Policies: [] }),
    fc.constant({ UserDetailList: {}, RoleDetailList: gaad.RoleDetailList }),
    fc.constant([{ RoleDetailList: [] }, { RoleDetailList: [] }]),
    fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
    fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 3 }),
    // Any other object: without both lists it is not an export, whatever else it has.
    fc
      .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
      .filter((o) => !Array.isArray(o.UserDetailList) || !Array.isArray(o.RoleDetailList)),
  );

  it('refuses a --gaad of the wrong shape with exit 2 naming --gaad and what is missing, and writes nothing', async () => {
    // Arrange
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(wrongShape, async (document) => {
        write('wrong.json', JSON.stringify(document));

        // Act
        const result = await cli('scan', '--gaad', 'wrong.json', '--as-of', LATER);

        // Assert
        expect(result.code, JSON.stringify(document)).toBe(2);
        expect(result.stderr).toMatch(/^nhi-gov: invalid GAAD --gaad \S*wrong\.json: /);
        expect(result.stderr).toMatch(
          /UserDetailList|RoleDetailList|not a JSON object|empty array|not a GetAccountAuthorizationDetails export/,
        );
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stdout).toBe('');
      }),
      { numRuns: 150 },
    );
    expect(await stored()).toEqual(before);
  });

  it('names the other IAM call whose output was given instead of GAAD', async () => {
    write('roles.json', JSON.stringify({ Roles: gaad.RoleDetailList }));
    const result = await cli('scan', '--gaad', 'roles.json', '--as-of', LATER);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('it looks like `aws iam list-roles` output');
  });

  it('refuses a --credential-report of the wrong shape naming the flag, and writes nothing', async () => {
    // Arrange
    const before = await stored();
    const reports = fc.oneof(
      fc.constant(''),
      fc.constant(JSON.stringify({ Content: 'dXNlcixhcm4K', ReportFormat: 'text/csv' })),
      fc.constant('user,arn\nbot,arn:aws:iam::111122223333:user/bot\n'),
      fc.string({ maxLength: 60 }).filter((t) => !/access_key_1_active/.test(t)),
    );

    await fc.assert(
      fc.asyncProperty(reports, async (text) => {
        write('wrong.csv', text);

        // Act
        const result = await cli(
          'scan',
          '--gaad',
          'gaad.json',
          '--credential-report',
          'wrong.csv',
          '--as-of',
          LATER,
        );

        // Assert
        expect(result.code, JSON.stringify(text)).toBe(2);
        expect(result.stderr).toMatch(
          /^nhi-gov: invalid credential report --credential-report \S*wrong\.csv: /,
        );
        expect(result.stdout).toBe('');
      }),
      { numRuns: 60 },
    );
    expect(await stored()).toEqual(before);
  });

  it('reads an empty account only from a well-formed export, and then needs --account', async () => {
    // Arrange
    const empty = write(
      'empty.json',
      JSON.stringify({ UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }),
    );
    const before = await stored();

    // Act
    const unnamed = await cli('scan', '--gaad', empty, '--as-of', LATER);
    const wrongAccount = await cli(
      'scan',
      '--gaad',
      'gaad.json',
      '--account',
      '999999999999',
      '--as-of',
      LATER,
    );
    const afterRefusals = await stored();
    const named = await cli(
      'scan',
      '--gaad',
      empty,
      '--account',
      '111122223333',
      '--as-of',
      LATER,
      '-f',
      'json',
    );

    // Assert
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/^nhi-gov: cannot tell which account .* name it with --account/);
    expect(wrongAccount.code).toBe(2);
    expect(wrongAccount.stderr).toMatch(/--account 999999999999 does not match the snapshot.*111122223333/);
    expect(afterRefusals).toEqual(before);
    expect(named.code, named.stderr).toBe(0);
    const doc = JSON.parse(named.stdout);
    expect(doc.accountId).toBe('111122223333');
    expect(doc.findings).toEqual([]);
    const resolvedTypes = doc.resolved.map((f: { type: string }) => f.type);
    expect(resolvedTypes).toEqual(expect.arrayContaining(['stale-role', 'unrotated-access-key']));
  });
});

describe('the snapshot readers against real exports', () => {
  it('scans a real GAAD export and credential report (excerpts) without complaint', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-real-export-'));
    const env = localCliEnv('real-export');
    try {
      // Act
      const result = await runCli(
        [
          'scan',
          '--gaad',
          join(FIXTURES, 'gaad-real-excerpt.json'),
          '--credential-report',
          join(FIXTURES, 'credential-report-real-excerpt.csv'),
          '--as-of',
          '2026-03-01T00:00:00Z',
          '--format',
          'json',
        ],
        { env, cwd: dir, now: NOW },
      );

      // Assert
      expect(result.code, result.stderr).toBe(0);
      const doc = JSON.parse(result.stdout);
      expect(doc.accountId).toBe('012345678901');
      expect(doc.inventory).toMatchObject({ roles: 3, users: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
