import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { documentClient, localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import { localTableNames } from '../../../lib/config/tables.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { findingId } from '../../../lib/domain/finding.js';
import type { IamInventory, InventoryRole, InventoryUser } from '../../../lib/domain/inventory.js';
import { runScan, type ScanDeps } from '../../../lib/domain/scanning/run-scan.js';
import type { FindingBatch } from '../../../lib/ports/metrics-store.js';
import { aDecision, BOB } from '../../support/builders.js';
import { runCli } from '../../support/cli.js';
import { ACCOUNT, anInventory, aRole, aUser } from '../../support/fakes/iam-read.js';
import { tempDir } from '../../support/temp.js';

const policy = loadPolicyFile();
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T06:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * DAY);
const ago = (n: number, from = T0) => new Date(from.getTime() - n * DAY).toISOString();

/** One set of tables on the run's DynamoDB Local, with a prefix the command line can be pointed at. */
interface Store {
  readonly prefix: string;
  readonly client: DynamoDBClient;
  readonly findings: DynamoFindingStore;
  readonly decisions: DynamoDecisionStore;
  readonly deps: (findings?: FindingBatch) => ScanDeps;
  /** Finding items written to the findings table so far (BatchWriteItem puts and PutItem of findings). */
  readonly written: () => number;
}

async function aStore(): Promise<Store> {
  const prefix = `wwc-${randomUUID().slice(0, 8)}`;
  const client = localDynamoClient(inject('dynamoEndpoint'));
  const names = localTableNames(prefix);
  await ensureTables(client, names);
  let written = 0;
  // Counts what reaches DynamoDB, below the adapters: the figure the issue asks about.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        TableName?: string;
        Item?: { pk?: { S?: string } };
        RequestItems?: Record<string, { PutRequest?: unknown }[]>;
      };
      if (context.commandName === 'BatchWriteItemCommand')
        written += (input.RequestItems?.[names.findings] ?? []).filter((r) => r.PutRequest).length;
      if (
        context.commandName === 'PutItemCommand' &&
        input.TableName === names.findings &&
        input.Item?.pk?.S?.startsWith('FINDING#')
      )
        written++;
      return next(args);
    },
    { step: 'initialize', name: 'countFindingWrites' },
  );
  const doc = documentClient(client);
  const findings = new DynamoFindingStore(doc, names.findings);
  const decisions = new DynamoDecisionStore(doc, names.decisions);
  const scans = new DynamoScanLog(doc, names.findings);
  const executions = new DynamoExecutionTrail(doc, names.executions);
  const revokes = { requestRevoke: async () => {} };
  return {
    prefix,
    client,
    findings,
    decisions,
    deps: (batch = findings) => ({
      decisions,
      findings: batch,
      metrics: findings,
      executions,
      revokes,
      scans,
    }),
    written: () => written,
  };
}

/**
 * The write path before #16.1, kept for these tests only: every scan rewrites every finding it saw,
 * with `lastSeen` set to its as-of (`putMany` writes findings as given; none follows the scans, so the
 * merge finds no unchanged finding and writes them all, plus what it resolves: exactly the old
 * `putMany([...current, ...resolved])`).
 */
const legacyWritePath = (store: DynamoFindingStore): FindingBatch => ({
  getMany: (ids, options) => store.getMany(ids, options),
  getSummaries: (ids) => store.getSummaries(ids),
  putMany: (f) => store.putMany(f),
  putSeen: (f) => store.putMany(f),
  summaryPages: (a) => store.summaryPages(a),
  listUnscopedActive: () => store.listUnscopedActive(),
});

/** A role under `/` that only a stale-role finding can concern: owned, unmanaged, no policies. */
const staleRole = (name: string, overrides: Partial<InventoryRole> = {}) =>
  aRole(name, { path: '/', createdAt: ago(400), lastUsedAt: undefined, ...overrides });

let newPath: Store;
let oldPath: Store;
const cwd = tempDir();

beforeAll(async () => {
  [newPath, oldPath] = await Promise.all([aStore(), aStore()]);
});
afterAll(() => {
  newPath.client.destroy();
  oldPath.client.destroy();
});

const scanBoth = async (inventory: IamInventory, asOf: Date) => {
  const before = [newPath.written(), oldPath.written()] as const;
  const input = { inventory, policy, asOf, now: asOf, accountId: ACCOUNT };
  const [fresh, legacy] = [
    await runScan(newPath.deps(), input),
    await runScan(oldPath.deps(legacyWritePath(oldPath.findings)), input),
  ];
  return {
    fresh,
    legacy,
    writes: { fresh: newPath.written() - before[0], legacy: oldPath.written() - before[1] },
  };
};

/** Every report of the command line, as JSON, on one store, at one as-of. */
async function reports(store: Store, asOf: Date, only?: string): Promise<Record<string, string>> {
  const env = {
    NHI_GOV_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    NHI_GOV_TABLE_PREFIX: store.prefix,
    CI: 'true',
  };
  const at = ['--as-of', asOf.toISOString()];
  const runs: [string, string[]][] = [
    ['findings', ['report', 'findings', '--format', 'json', ...at]],
    ['findings suppressed', ['report', 'findings', '--status', 'suppressed', '--format', 'json', ...at]],
    ['findings resolved', ['report', 'findings', '--status', 'resolved', '--format', 'json', ...at]],
    ['findings ocsf', ['report', 'findings', '--format', 'ocsf', ...at]],
    ['findings csv', ['report', 'findings', '--format', 'csv', ...at]],
    ['drift', ['report', 'drift', '--format', 'json', ...at]],
    ['exceptions', ['report', 'exceptions', '--format', 'json', ...at]],
    ['reviews', ['report', 'reviews', '--format', 'json', ...at]],
    ['violations', ['report', 'violations', '--format', 'json', ...at]],
    ['overview', ['report', 'overview', '--format', 'json', ...at]],
  ];
  const out: Record<string, string> = {};
  for (const [name, argv] of runs.filter(([name]) => only === undefined || name === only)) {
    const run = await runCli(argv, { env, cwd, now: asOf });
    out[name] = run.code === 0 ? run.stdout : `exit ${run.code}: ${run.stderr}`;
  }
  return out;
}

describe('scans that write what changed', () => {
  it('writes every finding once, then nothing on an unchanged re-scan, then exactly the k that changed', async () => {
    // Arrange: 40 stale roles (one finding each) and two users whose keys are old.
    const roles = Array.from({ length: 40 }, (_, i) => staleRole(`stale-${i}`));
    const oldKey = (name: string, extra: Partial<InventoryUser> = {}) =>
      aUser(name, {
        path: '/',
        accessKeys: [{ slot: 1, active: true, lastRotatedAt: ago(300), lastUsedAt: ago(200) }],
        ...extra,
      });
    const users = [oldKey('ci'), oldKey('deploy')];
    const exception = exceptionFor('stale-39', day(3));
    await newPath.decisions.create(exception);
    await oldPath.decisions.create(exception);

    // Act 1: the first scan opens 40 stale-role findings (one suppressed) and 2 × 2 key findings.
    const first = await scanBoth(anInventory({ roles, users }), day(0));
    // Act 2: a day later nothing changed in IAM; the day counts in the titles moved by one.
    const second = await scanBoth(anInventory({ roles, users }), day(1));
    // Act 3: changes: 2 roles were used, long ago (content changed), 2 roles are gone (resolved), 1 new
    // stale role (opened), `ci`'s key was rotated (both key findings of ci resolve).
    const changedRoles = roles.map((r, i) =>
      i < 2 ? { ...r, lastUsedAt: ago(150, day(2)), lastUsedRegion: 'eu-west-1' } : r,
    );
    const third = await scanBoth(
      anInventory({
        roles: [...changedRoles.slice(0, 38), staleRole('stale-new')],
        users: [
          oldKey('ci', { accessKeys: [{ slot: 1, active: true, lastRotatedAt: ago(1, day(2)) }] }),
          users[1] as InventoryUser,
        ],
      }),
      day(2),
    );

    // Assert: counts of items that reached the findings table.
    expect(first.fresh.findings).toHaveLength(44);
    expect(first.writes).toEqual({ fresh: 44, legacy: 44 });
    expect(second.writes).toEqual({ fresh: 0, legacy: 44 });
    expect(second.fresh.written).toBe(0);
    // 2 changed + 2 resolved roles + 1 opened + ci's 2 key findings resolved = 7.
    expect(third.writes).toEqual({ fresh: 7, legacy: 41 + 4 });
    expect(third.fresh.written).toBe(7);
    // What is read back is what the old path stored, day counts and lastSeen included.
    const id = findingId('stale-role', 'role/stale-10', '', ACCOUNT);
    const [read, legacyRead] = [await newPath.findings.get(id), await oldPath.findings.get(id)];
    expect(read).toEqual(legacyRead);
    expect(read).toMatchObject({
      lastSeen: day(2).toISOString(),
      firstSeen: day(0).toISOString(),
      title: 'role stale-10 never used since it was created 402 days ago',
    });
    expect(read?.titleTemplate).toContain('{{days-since:');
  });

  it('gives every report the same answer as the old write path, across changes, gaps and a scan of the past', async () => {
    // Arrange: the stores of the first test, plus scans that change, skip the credential report,
    // go back in time (read-only) and come back.
    const base = (n: number) =>
      Array.from({ length: 12 }, (_, i) =>
        staleRole(`stale-${i}`, { tags: { 'nhi-gov:owner': `team-${(i + n) % 3}` } }),
      );
    const key = (name: string, seen: boolean) =>
      aUser(name, {
        path: '/nhi/',
        createdAt: ago(500),
        accessKeys: [{ slot: 1, active: true, lastRotatedAt: ago(300), lastUsedAt: ago(200) }],
        credentialReportSeen: seen,
      });
    const steps: [IamInventory, Date][] = [
      [anInventory({ roles: base(0), users: [key('etl', true), key('ops', true)] }), day(5)],
      [anInventory({ roles: base(0), users: [key('etl', true), key('ops', true)] }), day(6)],
      // ops is missing from the credential report: its key findings cannot be judged (frozen).
      [anInventory({ roles: base(1).slice(2), users: [key('etl', true), key('ops', false)] }), day(7)],
      [anInventory({ roles: base(1).slice(2), users: [key('etl', true), key('ops', false)] }), day(8)],
      // A scan dated in the past: read-only, stores nothing.
      [anInventory({ roles: base(2), users: [] }), day(6)],
      [anInventory({ roles: base(1), users: [key('etl', true), key('ops', true)] }), day(9)],
      [anInventory({ roles: base(1), users: [key('etl', true), key('ops', true)] }), day(9)],
    ];
    const writes: { fresh: number; legacy: number }[] = [];

    // Act
    for (const [inventory, asOf] of steps) {
      const { fresh, legacy, writes: w } = await scanBoth(inventory, asOf);
      expect(fresh).toEqual({ ...legacy, written: fresh.written });
      writes.push(w);
    }
    const answers = [
      await reports(newPath, day(12)),
      await reports(oldPath, day(12)),
      await reports(newPath, day(9), 'findings'),
      await reports(oldPath, day(9), 'findings'),
    ];

    // Assert: identical answers, far fewer writes.
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[2]).toEqual(answers[3]);
    expect(Object.values(answers[0] ?? {}).every((out) => !out.startsWith('exit'))).toBe(true);
    expect(answers[0]?.findings).toContain('"lastSeen": "2026-03-10T06:00:00.000Z"');
    expect(answers[0]?.['findings resolved']).toContain('"status": "resolved"');
    const fresh = writes.reduce((n, w) => n + w.fresh, 0);
    const legacy = writes.reduce((n, w) => n + w.legacy, 0);
    expect(writes[1]?.fresh).toBe(0);
    expect(writes[3]?.fresh).toBe(0);
    expect(writes[4]).toEqual({ fresh: 0, legacy: 0 });
    expect(fresh).toBeLessThan(legacy / 2);
  });
});

function exceptionFor(role: string, expires: Date): Decision {
  const at = ago(30);
  const expiresAt = expires.toISOString();
  return aDecision({
    status: 'approved',
    version: 2,
    kind: 'exception',
    identityKey: `role/${role}`,
    request: {
      kind: 'exception',
      identity: { type: 'role', name: role },
      findingTypes: ['stale-role'],
      riskAcceptance: {
        owner: 'team-audit',
        risk: 'kept for the yearly audit',
        compensatingControls: ['read-only boundary'],
        residualSeverity: 'low',
      },
      expiresAt,
      justification: 'yearly audit needs this role',
    },
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    expiresAt,
    approvals: [{ approver: BOB, at, basis: 'tier high' }],
  });
}
