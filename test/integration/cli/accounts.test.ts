import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import { toCredentialReportCsv, toGaadJson } from '../../../lib/adapters/snapshot/write-snapshot.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { type Finding, findingId } from '../../../lib/domain/finding.js';
import type { IamInventory } from '../../../lib/domain/inventory.js';
import { ALICE, aFinding, BOB } from '../../support/builders.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { ACCOUNT, anInventory, aRole, daysAgo } from '../../support/fakes/iam-read.js';

const A = ACCOUNT;
const B = '444455556666';
const NOW = '2026-03-10T12:00:00Z';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

/** The same inventory moved to another account: every ARN rewritten. */
function inAccount(inventory: IamInventory, account: string): IamInventory {
  const move = <T extends { arn: string }>(i: T): T => ({ ...i, arn: i.arn.replace(ACCOUNT, account) });
  return {
    ...inventory,
    accountId: account,
    roles: inventory.roles.map(move),
    users: inventory.users.map(move),
  };
}

/** Both accounts have a stale `old` role and a `batch` role under /nhi/ holding ReadOnlyAccess. */
const account = anInventory({
  roles: [
    aRole('old', { path: '/', createdAt: daysAgo(400), lastUsedAt: undefined }),
    aRole('batch', { attachedManagedPolicies: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }] }),
  ],
});

describe('one local store, several accounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-accounts-'));
  const env = localCliEnv('accounts');
  const client = localDynamoClient(env.NHI_GOV_DYNAMODB_ENDPOINT);
  const names = localTableNames(env.NHI_GOV_TABLE_PREFIX);
  const doc = documentClient(client);
  const findings = new DynamoFindingStore(doc, names.findings);
  const decisions = new DynamoDecisionStore(doc, names.decisions);
  const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: NOW });
  const snapshot = (name: string, inventory: IamInventory) => {
    writeFileSync(join(dir, `${name}.json`), toGaadJson(inventory, 'space'));
    writeFileSync(join(dir, `${name}.csv`), toCredentialReportCsv(inventory, { style: 'iso-t' }));
    return ['--gaad', `${name}.json`, '--credential-report', `${name}.csv`];
  };
  const scanJson = async (...argv: string[]) => {
    const result = await cli('scan', ...argv, '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { accountId: string; findings: Finding[]; resolved: Finding[] };
  };
  const openIn = async (accountId: string) =>
    (await findings.listActiveInAccount(accountId)).filter((f) => f.status === 'open');

  /** Findings stored before accounts were kept: no accountId, ids without the account. */
  const legacy = (type: Finding['type'], identityKey: string, arnAccount?: string) =>
    aFinding({
      id: findingId(type, identityKey),
      type,
      source: 'scanner',
      identityKey,
      ...(arnAccount ? { identityArn: `arn:aws:iam::${arnAccount}:${identityKey}` } : {}),
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
    });
  const legacyOfA = legacy('stale-role', 'role/old', A);
  const legacyOfB = legacy('stale-role', 'role/gone-from-b', B);

  beforeAll(async () => {
    await ensureTables(client, names);
    // A store used before accounts were kept: findings of both accounts, no account on any of them.
    await findings.put(legacyOfA);
    await findings.put(legacyOfB);
  });

  afterAll(() => {
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adopts the pre-account findings of the scanned account, keeping their id and firstSeen', async () => {
    // Act
    const scan = await scanJson(...snapshot('a', account), '--as-of', '2026-03-01T00:00:00Z');

    // Assert
    expect(scan.accountId).toBe(A);
    const stale = scan.findings.find((f) => f.type === 'stale-role');
    expect(stale).toMatchObject({ id: legacyOfA.id, accountId: A, firstSeen: '2026-01-01T00:00:00.000Z' });
    expect(await findings.get(legacyOfA.id)).toMatchObject({ accountId: A, status: 'open' });
    // The legacy finding whose ARN is in account B is not A's to adopt or resolve.
    const other = await findings.get(legacyOfB.id);
    expect(other).toMatchObject({ status: 'open' });
    expect(other?.accountId).toBeUndefined();
  });

  it('scanning account B resolves none of account A’s findings, and the same role name is two findings', async () => {
    // Arrange
    const openOfA = await openIn(A);

    // Act
    const scanB = await scanJson(...snapshot('b', inAccount(account, B)), '--as-of', '2026-03-02T00:00:00Z');

    // Assert
    expect(scanB.accountId).toBe(B);
    // B's first scan adopts B's pre-account finding, and resolves it: that role is gone from B.
    expect(scanB.resolved).toEqual([
      expect.objectContaining({
        id: legacyOfB.id,
        accountId: B,
        status: 'resolved',
        firstSeen: legacyOfB.firstSeen,
      }),
    ]);
    expect(await openIn(A)).toEqual(openOfA);
    const staleIds = [...openOfA, ...(await openIn(B))]
      .filter((f) => f.type === 'stale-role')
      .map((f) => f.id);
    expect(new Set(staleIds).size).toBe(2);
    expect(scanB.findings.every((f) => f.accountId === B)).toBe(true);
  });

  it('keeps history per account: an earlier scan of A is still ahead of A’s newest, whatever B did', async () => {
    // Act: A's newest is 2026-03-01, B's 2026-03-02; a scan of A as of 2026-03-01T12 moves A forward.
    const result = await cli('scan', ...snapshot('a', account), '--as-of', '2026-03-01T12:00:00Z');
    const backwards = await cli(
      'scan',
      ...snapshot('b', inAccount(account, B)),
      '--as-of',
      '2026-03-01T12:00:00Z',
    );

    // Assert
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(backwards.code).toBe(0);
    expect(backwards.stderr).toContain(
      `read-only: as-of 2026-03-01T12:00:00.000Z is before the newest scan of account ${B}`,
    );
    const log = new DynamoScanLog(doc, names.findings);
    expect((await log.listLatestScans()).map((s) => [s.accountId, s.asOf])).toEqual([
      [A, '2026-03-01T12:00:00.000Z'],
      [B, '2026-03-02T00:00:00.000Z'],
    ]);
  });

  it('refuses a request that names no account once the store knows several, and keeps the account it names', async () => {
    // Arrange
    const grant = (extra: Record<string, unknown>) => ({
      kind: 'grant',
      identity: { type: 'role', name: 'batch' },
      entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
      justification: 'the nightly batch reads the ledger',
      owner: 'team-payments',
      ...extra,
    });
    writeFileSync(join(dir, 'no-account.json'), JSON.stringify(grant({})));
    writeFileSync(join(dir, 'bad-account.json'), JSON.stringify(grant({ account: '12345' })));
    writeFileSync(join(dir, 'in-a.json'), JSON.stringify(grant({ account: A })));

    // Act
    const unnamed = await cli('request', '--file', 'no-account.json', '--as', ALICE);
    const malformed = await cli('request', '--file', 'bad-account.json', '--as', ALICE);
    const named = await cli('request', '--file', 'in-a.json', '--as', ALICE, '--format', 'json');

    // Assert
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(
      new RegExp(
        `no-account\\.json: the request names no "account" and the store knows several accounts \\(${A}, ${B}\\)`,
      ),
    );
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/account: must be a 12-digit AWS account id/);
    expect(named.code, named.stderr).toBe(0);
    const decision = JSON.parse(named.stdout);
    expect(decision).toMatchObject({ accountId: A, identityKey: 'role/batch' });
    expect((await decisions.listByStatus('pending')).map((d) => d.accountId)).toEqual([A]);
  });

  it('counts a grant only in its own account: approved in A, the same role in B is still unapproved', async () => {
    // Arrange: approve the pending grant for role/batch in account A.
    const [pending] = await decisions.listByStatus('pending');
    const approved = await cli('approve', pending?.id ?? '', '--as', BOB);
    expect(approved.code, approved.stderr).toBe(0);

    // Act
    const scanA = await scanJson(...snapshot('a', account));
    const scanB = await scanJson(...snapshot('b', inAccount(account, B)));

    // Assert
    const unapproved = (s: { findings: Finding[] }) =>
      s.findings
        .filter(
          (f) => f.type === 'unapproved-access' && f.evidence.entitlement === `managed-policy:${READ_ONLY}`,
        )
        .map((f) => f.identityKey);
    expect(unapproved(scanA)).toEqual([]);
    expect(unapproved(scanB)).toEqual(['role/batch']);
  });

  it('shows the account of each finding in the reports', async () => {
    const table = await cli('report', 'findings');
    const json = JSON.parse((await cli('report', 'findings', '--format', 'json')).stdout);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`stale-role\\s+role/old\\s.*\\s${A}\\s*$`, 'm'));
    expect(table.stdout).toMatch(new RegExp(`stale-role\\s+role/old\\s.*\\s${B}\\s*$`, 'm'));
    const accounts = new Set(json.findings.map((f: { accountId: string | null }) => f.accountId));
    expect(accounts).toEqual(new Set([A, B]));
  });
});

describe('a store that knows one account', () => {
  it('fills in that account on a request that names none', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-one-account-'));
    const env = localCliEnv('one-account');
    const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: NOW });
    try {
      writeFileSync(join(dir, 'a.json'), toGaadJson(account, 'space'));
      writeFileSync(
        join(dir, 'grant.json'),
        JSON.stringify({
          kind: 'grant',
          identity: { type: 'role', name: 'batch' },
          entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
          justification: 'the nightly batch reads the ledger',
          owner: 'team-payments',
        }),
      );
      const before = await cli('request', '--file', 'grant.json', '--as', ALICE, '--format', 'json');
      expect((await cli('scan', '--gaad', 'a.json')).code).toBe(0);

      // Act
      const after = await cli('request', '--file', 'grant.json', '--as', ALICE, '--format', 'json');

      // Assert
      expect(before.code, before.stderr).toBe(0);
      expect(JSON.parse(before.stdout).accountId).toBeUndefined();
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout)).toMatchObject({ accountId: A, request: { account: A } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
