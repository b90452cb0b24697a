import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { CLAIM_LEASE_MS, DynamoScanDigests } from '../../../lib/adapters/dynamodb/scan-digest.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import type { Finding, FindingStatus } from '../../../lib/domain/finding.js';
import type { IamInventory, InventoryRole } from '../../../lib/domain/inventory.js';
import { openFinding, provisioningFailedFinding } from '../../../lib/domain/provisioning/findings.js';
import { resolveGoneUnmanagedKeys } from '../../../lib/domain/rotation/unmanaged-key.js';
import { runScan, type ScanDeps, type ScanResult } from '../../../lib/domain/scanning/run-scan.js';
import type { FindingBatch } from '../../../lib/ports/metrics-store.js';
import type { ScanDigests, WriteClaim } from '../../../lib/ports/scan-digest.js';
import { aDecision } from '../../support/builders.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';
import { anInventory } from '../../support/fakes/iam-read.js';
import { identitiesAsOf, scanDepsOn } from './scan-world.js';

const policy = loadPolicyFile();
const DAY = 86_400_000;
const T0 = new Date('2026-05-01T06:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * DAY);
const ago = (n: number, from: Date) => new Date(from.getTime() - n * DAY).toISOString();

let tables: TestTables;
let nextAccount = 200_000_000_000;
const anAccount = () => String(nextAccount++);
/** Reads of stored findings that reach DynamoDB (items asked for by key, and queries of the by-identity index). */
const reads = { byIdentityQueries: 0, keysRead: 0 };

beforeAll(async () => {
  tables = await createTestTables();
  tables.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string; RequestItems?: Record<string, { Keys?: unknown[] }> };
      if (context.commandName === 'QueryCommand' && input.IndexName?.includes('identity'))
        reads.byIdentityQueries++;
      if (context.commandName === 'BatchGetItemCommand')
        reads.keysRead += Object.values(input.RequestItems ?? {}).reduce(
          (n, r) => n + (r.Keys?.length ?? 0),
          0,
        );
      return next(args);
    },
    { step: 'initialize', name: 'countFindingReads' },
  );
});

const findingsStore = () => new DynamoFindingStore(tables.doc, tables.names.findings);
const depsOf = (findings: FindingBatch & DynamoFindingStore, digests?: ScanDigests): ScanDeps =>
  scanDepsOn(tables, findings, digests);

const { staleRole, oldKeyUser } = identitiesAsOf(T0);

async function storedState(store: DynamoFindingStore, account: string): Promise<string[]> {
  const all: Finding[] = [];
  for (const status of ['open', 'suppressed', 'resolved'] as FindingStatus[]) {
    for await (const page of store.pagesOf({ status, accountId: account })) all.push(...page);
  }
  return all.map((f) => comparable(f, account)).sort();
}

/** A finding or result with its account (and the ids, hashes that include it) left out. */
function comparable(value: unknown, account: string): string {
  return JSON.stringify(
    JSON.parse(JSON.stringify(value).replaceAll(account, 'ACCOUNT'), (k, v) =>
      k === 'id' || k === 'suppressedBy' ? undefined : v,
    ),
  );
}

/** Digests whose claims can be made to die (never released), with a clock the test moves. */
class Killable implements ScanDigests {
  readonly inner: DynamoScanDigests;
  now = T0.getTime();
  kill = false;
  used = 0;
  constructor() {
    this.inner = new DynamoScanDigests(tables.doc, tables.names.findings, () => new Date(this.now));
  }
  async claim(accountId: string): Promise<WriteClaim> {
    const claim = await this.inner.claim(accountId);
    if (claim.pages) this.used++;
    if (!this.kill) return claim;
    // A scan that dies without a word: its claim is never released.
    return { ...claim, release: async () => false };
  }
}

const keyOf = (f: Finding) => `${f.identityKey}|${f.type}`;

/** A batch that fails after `after` findings written (a scan cut short), recording what it wrote. */
const failingAfter = (store: DynamoFindingStore, after: number, wrote: string[]) => {
  const cut = async (f: readonly Finding[], put: (f: readonly Finding[]) => Promise<void>) => {
    const now = f.slice(0, Math.max(0, after - wrote.length));
    if (now.length > 0) await put(now);
    wrote.push(...now.map(keyOf));
    if (now.length < f.length) throw new Error('cut short');
  };
  return Object.assign(Object.create(store) as DynamoFindingStore, {
    putSeen: (f: readonly Finding[]) => cut(f, (x) => store.putSeen(x)),
    putMany: (f: readonly Finding[]) => cut(f, (x) => store.putMany(x)),
  });
};

/**
 * The same cut in another account, whatever order its merge writes in: writes only the findings the
 * first one wrote (skipping others, which the first never reached) and fails once they are written.
 */
const writingOnly = (store: DynamoFindingStore, keys: readonly string[]) => {
  const left = new Set(keys);
  const cut = async (f: readonly Finding[], put: (f: readonly Finding[]) => Promise<void>) => {
    if (left.size === 0) throw new Error('cut short');
    const now = f.filter((x) => left.has(keyOf(x)));
    if (now.length > 0) await put(now);
    for (const x of now) left.delete(keyOf(x));
    if (left.size === 0) throw new Error('cut short');
  };
  return Object.assign(Object.create(store) as DynamoFindingStore, {
    putSeen: (f: readonly Finding[]) => cut(f, (x) => store.putSeen(x)),
    putMany: (f: readonly Finding[]) => cut(f, (x) => store.putMany(x)),
  });
};

type Op =
  | { kind: 'scan'; roles: string[]; users: string[]; gap: number; cutAfter?: number; dies?: boolean }
  | { kind: 'other-write'; pick: number; how: 'resolve' | 'reopen' | 'suppress' | 'retitle' }
  | { kind: 'executor'; identity: number }
  | { kind: 'rotation-resolve'; user: number }
  | { kind: 'lease-passes' };

describe('a re-scan from the digest (#16 point 1: reads what changed)', () => {
  it('reads no stored finding on an unchanged re-scan, and only the changed ones by key after a change', async () => {
    // Arrange: 40 stale roles scanned once (the digest is kept).
    const account = anAccount();
    const digests = new Killable();
    const store = findingsStore();
    const roles = Array.from({ length: 40 }, (_, i) => staleRole(account, `r-${i}`));
    const inv = (r: InventoryRole[]): IamInventory => ({ ...anInventory({ roles: r }), accountId: account });
    await runScan(depsOf(store, digests), { inventory: inv(roles), policy, asOf: day(0), now: day(0) });

    // Act: a day later, nothing changed; then 3 roles gone and 2 new.
    const before = { ...reads };
    const same = await runScan(depsOf(store, digests), {
      inventory: inv(roles),
      policy,
      asOf: day(1),
      now: day(1),
    });
    const unchanged = {
      queries: reads.byIdentityQueries - before.byIdentityQueries,
      keys: reads.keysRead - before.keysRead,
    };
    const mid = { ...reads };
    const next = [...roles.slice(3), staleRole(account, 'new-1'), staleRole(account, 'new-2')];
    const changed = await runScan(depsOf(store, digests), {
      inventory: inv(next),
      policy,
      asOf: day(2),
      now: day(2),
    });
    const after = {
      queries: reads.byIdentityQueries - mid.byIdentityQueries,
      keys: reads.keysRead - mid.keysRead,
    };

    // Assert: no query of the account's findings; by key only the 2 new (are they stored?) and the 3 gone.
    expect(digests.used).toBe(2);
    expect(same.written).toBe(0);
    expect(unchanged).toEqual({ queries: 0, keys: 0 });
    expect(changed.written).toBe(5);
    expect(after).toEqual({ queries: 0, keys: 5 });
    expect(changed.resolved).toHaveLength(3);
  });

  it('reopens a finding resolved outside a scan whose condition still holds, as a full read does', async () => {
    // Arrange: a scan keeps a digest; then someone resolves one of its findings outside a scan.
    const account = anAccount();
    const digests = new Killable();
    const store = findingsStore();
    const roles = [staleRole(account, 'kept'), staleRole(account, 'other')];
    const inv: IamInventory = { ...anInventory({ roles }), accountId: account };
    await runScan(depsOf(store, digests), { inventory: inv, policy, asOf: day(0), now: day(0) });
    const [victim] =
      (await storedState(store, account)).length > 0 ? await store.listByIdentity('role/kept', account) : [];
    await store.put({ ...(victim as Finding), status: 'resolved', resolvedAt: day(0).toISOString() });

    // Act: the next day's scan, the role still stale.
    const result = await runScan(depsOf(store, digests), {
      inventory: inv,
      policy,
      asOf: day(1),
      now: day(1),
    });

    // Assert: the digest was not used (another writer wrote since), and the finding is open again.
    expect(digests.used).toBe(0);
    expect(result.written).toBe(1);
    expect((await store.get((victim as Finding).id))?.status).toBe('open');
  });

  it('gives the same scans and stored findings as the full read, whatever other writers, cut-short and dead scans do in between (generated)', async () => {
    // Arrange: sequences of scans of 5 roles and 2 users, interleaved with every other writer of findings
    // (a finding rewritten outside a scan: resolved, reopened, suppressed, retitled; an executor's
    // provisioning-failed finding; rotation resolving its key findings), scans cut short after k writes,
    // scans that die holding their claim, and their lease running out. Account A scans with digests,
    // account B always reads every stored summary; every step is applied to both.
    const role = fc.constantFrom('absent', 'stale', 'used', 'fresh');
    const user = fc.constantFrom('absent', 'seen', 'unseen');
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('scan' as const),
          roles: fc.array(role, { minLength: 5, maxLength: 5 }),
          users: fc.array(user, { minLength: 2, maxLength: 2 }),
          gap: fc.integer({ min: 0, max: 2 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('scan' as const),
          roles: fc.array(role, { minLength: 5, maxLength: 5 }),
          users: fc.array(user, { minLength: 2, maxLength: 2 }),
          gap: fc.integer({ min: 0, max: 2 }),
          cutAfter: fc.integer({ min: 0, max: 4 }),
          dies: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('other-write' as const),
          pick: fc.nat(),
          how: fc.constantFrom(
            'resolve' as const,
            'reopen' as const,
            'suppress' as const,
            'retitle' as const,
          ),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('executor' as const), identity: fc.nat(4) }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('rotation-resolve' as const), user: fc.nat(1) }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'lease-passes' as const }) },
    );
    let digestScans = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 8 }), async (ops) => {
        const [a, b] = [anAccount(), anAccount()];
        const digests = new Killable();
        const store = findingsStore();
        let at = 0;
        for (const o of ops) {
          if (o.kind === 'lease-passes') {
            digests.now += CLAIM_LEASE_MS + 3_600_000;
            continue;
          }
          if (o.kind === 'scan') {
            at += o.gap;
            const asOf = day(at);
            const inventoryOf = (account: string): IamInventory => ({
              ...anInventory({
                roles: o.roles.flatMap((s, i) =>
                  s === 'absent'
                    ? []
                    : [
                        staleRole(account, `role-${i}`, {
                          ...(s === 'used' ? { lastUsedAt: ago(100, asOf) } : {}),
                          ...(s === 'fresh' ? { lastUsedAt: ago(1, asOf) } : {}),
                        }),
                      ],
                ),
                users: o.users.flatMap((s, i) =>
                  s === 'absent' ? [] : [oldKeyUser(account, `user-${i}`, s === 'seen')],
                ),
              }),
              accountId: account,
            });
            const results: (ScanResult | string)[] = [];
            digests.kill = o.cutAfter !== undefined && o.dies === true;
            const wrote: string[] = [];
            const run = async (
              account: string,
              batch: FindingBatch & DynamoFindingStore,
              d?: ScanDigests,
            ) => {
              try {
                results.push(
                  await runScan(depsOf(batch, d), {
                    inventory: inventoryOf(account),
                    policy,
                    asOf,
                    now: asOf,
                  }),
                );
              } catch (error) {
                results.push(String(error));
              }
            };
            await run(a, o.cutAfter !== undefined ? failingAfter(store, o.cutAfter, wrote) : store, digests);
            await run(b, typeof results[0] === 'string' ? writingOnly(store, wrote) : store);
            digests.kill = false;
            // Assert (each scan): the same answer from the digest as from the full read.
            expect(comparable(results[0], a)).toEqual(comparable(results[1], b));
            continue;
          }
          for (const account of [a, b]) {
            const mine = (await storedState(store, account)).length;
            if (o.kind === 'executor') {
              // An executor's finding about a decision in this account (no account id: its own partition).
              await openFinding(
                store,
                provisioningFailedFinding(
                  aDecision({ identityKey: `role/role-${o.identity}` }),
                  'boom',
                  'provisioning',
                  day(at).toISOString(),
                ),
              );
            } else if (o.kind === 'rotation-resolve') {
              await resolveGoneUnmanagedKeys(store, `user-${o.user}`, [], day(at).toISOString());
            } else if (mine > 0) {
              // Someone rewrites one of the account's scanner findings outside a scan.
              const all: Finding[] = [];
              for (const status of ['open', 'suppressed', 'resolved'] as FindingStatus[]) {
                for await (const page of store.pagesOf({ status, accountId: account })) all.push(...page);
              }
              all.sort((x, y) => x.identityKey.localeCompare(y.identityKey) || x.type.localeCompare(y.type));
              const f = all[o.pick % all.length] as Finding;
              const changed: Finding =
                o.how === 'resolve'
                  ? { ...f, status: 'resolved', resolvedAt: f.lastSeen }
                  : o.how === 'reopen'
                    ? (({ resolvedAt: _r, suppressedBy: _s, ...rest }) => ({
                        ...rest,
                        status: 'open' as const,
                      }))(f)
                    : o.how === 'suppress'
                      ? { ...f, status: 'suppressed', suppressedBy: 'someone' }
                      : { ...f, title: `${f.title} (edited)`, titleTemplate: undefined as never };
              const { titleTemplate, ...clean } = changed;
              await store.put(titleTemplate === undefined ? clean : changed);
            }
          }
        }
        digestScans += digests.used;
        // Assert (at the end): the same stored findings in both accounts.
        expect(await storedState(store, a)).toEqual(await storedState(store, b));
      }),
      { numRuns: 8 },
    );
    // Not vacuous: some of those scans did read from a digest.
    expect(digestScans).toBeGreaterThan(0);
  });
});
