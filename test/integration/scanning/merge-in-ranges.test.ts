import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import type { Finding, FindingStatus } from '../../../lib/domain/finding.js';
import type { IamInventory, InventoryRole, InventoryUser } from '../../../lib/domain/inventory.js';
import { compareUtf8, mergeKey } from '../../../lib/domain/scanning/merge-order.js';
import { runScan, type ScanDeps, type ScanResult } from '../../../lib/domain/scanning/run-scan.js';
import type { FindingBatch } from '../../../lib/ports/metrics-store.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';
import { anInventory } from '../../support/fakes/iam-read.js';
import { identitiesAsOf, scanDepsOn } from './scan-world.js';

const policy = loadPolicyFile();
const DAY = 86_400_000;
const T0 = new Date('2026-04-01T06:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * DAY);
const ago = (n: number, from: Date) => new Date(from.getTime() - n * DAY).toISOString();

let tables: TestTables;
let nextAccount = 100_000_000_000;
/** A fresh account per scenario: its own partition of the findings and its own scan log. */
const anAccount = () => String(nextAccount++);

beforeAll(async () => {
  tables = await createTestTables();
});

const depsOf = (findings: FindingBatch & DynamoFindingStore): ScanDeps => scanDepsOn(tables, findings);

const { staleRole, oldKeyUser } = identitiesAsOf(T0);

const inventoryOf = (account: string, roles: InventoryRole[], users: InventoryUser[] = []): IamInventory => ({
  ...anInventory({ roles, users }),
  accountId: account,
});

/** Everything the reports can read of one account's findings, in a stable order. */
async function storedState(store: DynamoFindingStore, account: string): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const status of ['open', 'suppressed', 'resolved'] as FindingStatus[]) {
    for await (const page of store.pagesOf({ status, accountId: account })) all.push(...page);
  }
  return all.sort((a, b) => a.id.localeCompare(b.id));
}

describe('the merge, a range at a time (#16.2)', () => {
  it('holds one page of stored findings at a time and writes each range before reading the next', async () => {
    // Arrange: 30 stale roles scanned once with pages of 5 stored findings; the next day 10 roles were
    // used (content changed) and 5 are gone.
    const account = anAccount();
    const store = new DynamoFindingStore(tables.doc, tables.names.findings, { summaryPageSize: 5 });
    const roles = Array.from({ length: 30 }, (_, i) => staleRole(account, `r-${String(i).padStart(2, '0')}`));
    await runScan(depsOf(store), {
      inventory: inventoryOf(account, roles),
      policy,
      asOf: day(0),
      now: day(0),
    });
    const changed = roles
      .slice(0, 25)
      .map((r, i) => (i % 5 < 2 ? { ...r, lastUsedAt: ago(120, day(1)), lastUsedRegion: 'eu-west-1' } : r));
    // Every call the merge makes, in order: which page it holds, what it writes.
    const trace: ({ kind: 'page'; size: number; through: string } | { kind: 'write'; keys: string[] })[] = [];
    const traced = Object.assign(Object.create(store) as DynamoFindingStore, {
      summaryPages: async function* (a: string) {
        for await (const page of store.summaryPages(a)) {
          trace.push({ kind: 'page', size: page.summaries.length, through: page.through });
          yield page;
        }
      },
      putSeen: async (f: readonly Finding[]) => {
        trace.push({ kind: 'write', keys: f.map(mergeKey) });
        await store.putSeen(f);
      },
      putMany: async (f: readonly Finding[]) => {
        trace.push({ kind: 'write', keys: f.map(mergeKey) });
        await store.putMany(f);
      },
    });

    // Act
    const result = await runScan(depsOf(traced), {
      inventory: inventoryOf(account, changed),
      policy,
      asOf: day(1),
      now: day(1),
    });

    // Assert: 6 pages of at most 5 stored findings; every write lies in the range of the page held at
    // the time (after the previous page's last key, up to this page's): nothing was read ahead.
    const pages = trace.filter((t) => t.kind === 'page');
    expect(pages.map((p) => p.size)).toEqual([5, 5, 5, 5, 5, 5]);
    let from = '';
    let through = '';
    const written: string[] = [];
    for (const t of trace) {
      if (t.kind === 'page') [from, through] = [through, t.through];
      else {
        for (const key of t.keys) {
          expect(compareUtf8(key, from)).toBeGreaterThan(0);
          expect(compareUtf8(key, through)).toBeLessThanOrEqual(0);
        }
        written.push(...t.keys);
      }
    }
    // 10 changed + 5 resolved, each written once, in 6 ranges (writes interleaved with the pages).
    expect(written).toHaveLength(15);
    expect(new Set(written).size).toBe(15);
    expect(result.written).toBe(15);
    expect(result.resolved).toHaveLength(5);
    expect(trace.findIndex((t) => t.kind === 'write')).toBeLessThan(
      trace.findLastIndex((t) => t.kind === 'page'),
    );
  });

  it('gives the same scans and the same stored findings whatever the page size', async () => {
    // Arrange: sequences of scans over a pool of roles and users that come, change, go, and drop out of
    // the credential report; one store reads pages of 1 to 7 stored findings, the other one page.
    const roleState = fc.constantFrom('absent', 'stale', 'used-long-ago', 'fresh');
    const userState = fc.constantFrom('absent', 'seen', 'unseen');
    const scan = fc.record({
      roles: fc.array(roleState, { minLength: 6, maxLength: 6 }),
      users: fc.array(userState, { minLength: 2, maxLength: 2 }),
      gap: fc.integer({ min: 0, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 7 }),
        fc.array(scan, { minLength: 2, maxLength: 3 }),
        async (size, scans) => {
          const [paged, whole] = [anAccount(), anAccount()];
          const small = new DynamoFindingStore(tables.doc, tables.names.findings, { summaryPageSize: size });
          const big = new DynamoFindingStore(tables.doc, tables.names.findings);
          let at = 0;
          for (const s of scans) {
            at += s.gap;
            const asOf = day(at);
            const of = (account: string) =>
              inventoryOf(
                account,
                s.roles.flatMap((state, i) =>
                  state === 'absent'
                    ? []
                    : [
                        staleRole(account, `role-${i}`, {
                          ...(state === 'used-long-ago' ? { lastUsedAt: ago(100, asOf) } : {}),
                          ...(state === 'fresh' ? { lastUsedAt: ago(1, asOf) } : {}),
                        }),
                      ],
                ),
                s.users.flatMap((state, i) =>
                  state === 'absent' ? [] : [oldKeyUser(account, `user-${i}`, state === 'seen')],
                ),
              );

            // Act
            const results: ScanResult[] = [];
            for (const [account, store] of [
              [paged, small],
              [whole, big],
            ] as const) {
              results.push(await runScan(depsOf(store), { inventory: of(account), policy, asOf, now: asOf }));
            }

            // Assert: the same answer, up to the account (and the ids, which include it).
            const [a, b] = results.map((r) =>
              JSON.parse(JSON.stringify(r).replaceAll(r.accountId, 'ACCOUNT')),
            );
            expect(withoutIds(a)).toEqual(withoutIds(b));
          }
          const [x, y] = [await storedState(small, paged), await storedState(big, whole)];
          expect(x.map(comparable).sort()).toEqual(y.map(comparable).sort());
        },
      ),
      { numRuns: 4 },
    );
  });
});

describe('compareUtf8', () => {
  it('orders strings as their UTF-8 bytes, as DynamoDB orders keys', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        // Lone surrogates become U+FFFD in UTF-8, so only well-formed strings are compared.
        fc.pre(wellFormed(a) && wellFormed(b));
        expect(Math.sign(compareUtf8(a, b))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

/** Whether a string survives UTF-8 (no lone surrogate). */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

/** A finding with its account and id left out (they differ between the two accounts). */
function comparable(f: Finding): string {
  const { id: _id, accountId: _account, identityArn: _arn, ...rest } = f;
  return JSON.stringify(rest);
}

/** A scan result with every finding id dropped (ids are hashes that include the account). */
function withoutIds(result: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(result), (key, value) => (key === 'id' ? undefined : value));
}
