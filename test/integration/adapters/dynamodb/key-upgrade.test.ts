import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingKeyUpgrade } from '../../../../functions/scan/wiring.js';
import {
  DynamoFindingStore,
  FINDING_KEYS_VERSION,
  findingIndexKeys,
  findingItem,
} from '../../../../lib/adapters/dynamodb/finding-store.js';
import { keyVersionMarker, upgradeKeysOnce } from '../../../../lib/adapters/dynamodb/key-upgrade.js';
import { type Finding, FRAMEWORKS } from '../../../../lib/domain/finding.js';
import type { FindingFilter } from '../../../../lib/ports/finding-store.js';
import { createTestTables, type TestTables } from '../../../support/dynamo.js';

const ACCOUNT = '000000000777';

function aFinding(i: number, prefix: string, accountId = ACCOUNT): Finding {
  return {
    id: `${prefix}-${String(i).padStart(4, '0')}`,
    type: i % 2 === 0 ? 'stale-role' : 'unrotated-access-key',
    severity: i % 3 === 0 ? 'critical' : 'high',
    status: 'open',
    source: 'scanner',
    identityKey: `role/${prefix}-${i}`,
    identityArn: `arn:aws:iam::${accountId}:role/${prefix}-${i}`,
    accountId,
    owner: 'team-old',
    title: 'stored by an older version',
    evidence: { i },
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-02-01T00:00:00.000Z',
    frameworks: FRAMEWORKS['stale-role'],
  } as Finding;
}

/** The item as the version before #16.5 stored it: type-first sort keys, no by-account keys. */
function oldItem(f: Finding): Record<string, unknown> {
  const { gsi4pk: _pk, gsi4sk: _sk, ...item } = findingItem(f);
  return {
    ...item,
    gsi1sk: `${f.type}#${f.firstSeen}#${f.id}`,
    gsi2sk: `${f.status}#${f.type}#${f.id}`,
  };
}

describe('findings key upgrade (deployed: run by the scan function, once per table)', () => {
  let tables: TestTables;
  const commands: string[] = [];

  beforeAll(async () => {
    tables = await createTestTables();
    tables.doc.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
  });
  afterAll(() => tables.client.destroy());

  /** Fresh tables per case would cost a CreateTable each: each case uses its own table prefix instead. */
  async function freshTable(): Promise<{ name: string; store: DynamoFindingStore }> {
    const t = await createTestTables();
    t.client.destroy();
    return { name: t.names.findings, store: new DynamoFindingStore(tables.doc, t.names.findings) };
  }

  /** Writes items as an older version stored them, 25 per request. */
  async function putOld(name: string, old: readonly Finding[]): Promise<void> {
    for (let i = 0; i < old.length; i += 25) {
      const chunk = old.slice(i, i + 25).map((f) => ({ PutRequest: { Item: oldItem(f) } }));
      await tables.doc.send(new BatchWriteCommand({ RequestItems: { [name]: chunk } }));
    }
  }

  async function ids(store: DynamoFindingStore, filter: FindingFilter): Promise<string[]> {
    const found: string[] = [];
    for await (const page of store.pagesOf(filter)) found.push(...page.map((f) => f.id));
    return found.sort();
  }

  async function raw(name: string, id: string): Promise<Record<string, unknown> | undefined> {
    const out = await tables.doc.send(
      new GetCommand({ TableName: name, Key: { pk: `FINDING#${id}`, sk: 'FINDING' }, ConsistentRead: true }),
    );
    return out.Item;
  }

  it('makes old findings visible to the severity-, account- and owner-filtered reports, then runs no more', async () => {
    // Arrange
    const { name, store } = await freshTable();
    const old = Array.from({ length: 6 }, (_, i) => aFinding(i, 'legacy'));
    await putOld(name, old);
    const critical = old.filter((f) => f.severity === 'critical').map((f) => f.id);
    const filters: FindingFilter[] = [
      { status: 'open', minSeverity: 'critical' },
      { status: 'open', accountId: ACCOUNT },
      { status: 'open', owner: 'team-old', minSeverity: 'critical' },
    ];
    for (const filter of filters) expect(await ids(store, filter)).toEqual([]);
    const upgrade = findingKeyUpgrade(tables.doc, name);

    // Act
    const first = await upgrade();
    commands.length = 0;
    const second = await upgrade();
    const secondCommands = [...commands];

    // Assert
    expect(first).toEqual({ state: 'ran', updated: 6, complete: true });
    expect(await ids(store, filters[0] as FindingFilter)).toEqual(critical);
    expect(await ids(store, filters[1] as FindingFilter)).toEqual(old.map((f) => f.id).sort());
    expect(await ids(store, filters[2] as FindingFilter)).toEqual(critical);
    expect(second).toEqual({ state: 'current', updated: 0, complete: true });
    expect(secondCommands.filter((c) => /Put|Write|Update|Delete|Query/.test(c))).toEqual([]);
    expect(secondCommands.filter((c) => /^Get/.test(c)).length).toBeGreaterThan(0);
    const marker = await tables.doc.send(
      new GetCommand({ TableName: name, Key: keyVersionMarker('findings'), ConsistentRead: true }),
    );
    expect(marker.Item).toMatchObject({ version: FINDING_KEYS_VERSION, updated: 6 });
  });

  it('is safe run by several scans at once while scans rewrite some of the same findings', async () => {
    // One table for every run (a CreateTable each would cost more than the property): each run has its own account.
    const { name, store } = await freshTable();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }),
        async (upgraders, rewritten) => {
          // Arrange: 8 old findings; some are rewritten by a scan (new owner, current keys) meanwhile.
          const account = `00000000${String(1000 + run++)}`;
          const old = Array.from({ length: 8 }, (_, i) => aFinding(i, `race${run}`, account));
          await putOld(name, old);
          const fresh = rewritten.map((i) => ({
            ...(old[i] as Finding),
            owner: 'team-new',
            evidence: { i, v: 2 },
          }));

          // Act
          const runs = await Promise.all([
            ...Array.from({ length: upgraders }, () => store.upgradeKeys()),
            store.putMany(fresh).then(() => undefined),
          ]);

          // Assert: every finding has the keys of what it holds; the scan's writes were not undone.
          const updated = runs.reduce((n, r) => n + (r?.updated ?? 0), 0);
          expect(updated).toBeLessThanOrEqual(8);
          expect(updated).toBeGreaterThanOrEqual(8 - fresh.length);
          const items = await Promise.all(old.map((f) => raw(name, f.id)));
          for (const [n, f] of old.entries()) {
            const item = items[n] as Record<string, unknown>;
            const keys = findingIndexKeys(item as unknown as Parameters<typeof findingIndexKeys>[0]);
            for (const [k, v] of Object.entries(keys)) expect(item[k]).toBe(v);
            const isFresh = rewritten.includes(Number(f.id.slice(-4)));
            expect(item.owner).toBe(isFresh ? 'team-new' : 'team-old');
          }
          expect(await ids(store, { status: 'open', accountId: account })).toHaveLength(8);
        },
      ),
      { numRuns: 3 },
    );
  });

  it('writes the marker once when two scans finish the upgrade at the same time', async () => {
    // Arrange
    const { name, store } = await freshTable();
    await putOld(name, [aFinding(1, 'twin'), aFinding(2, 'twin')]);
    const upgrade = findingKeyUpgrade(tables.doc, name);

    // Act
    const [a, b] = await Promise.all([upgrade(), upgrade()]);

    // Assert: the two findings re-keyed once between them; both runs complete; the marker is current.
    expect((a?.updated ?? 0) + (b?.updated ?? 0)).toBe(2);
    expect([a?.complete, b?.complete]).toEqual([true, true]);
    expect((await findingKeyUpgrade(tables.doc, name)()).state).toBe('current');
    expect(await ids(store, { status: 'open', minSeverity: 'high', accountId: ACCOUNT })).toHaveLength(2);
  });

  it('stops when told, leaves no marker, and the next run finishes; a newer marker is left alone', async () => {
    // Arrange
    const { name, store } = await freshTable();
    await putOld(name, [aFinding(0, 'slow'), aFinding(3, 'slow')]);
    const options = {
      tableName: name,
      tableId: 'findings' as const,
      version: FINDING_KEYS_VERSION,
      pass: (o: { until?: () => boolean }) => store.upgradeKeys(o),
    };

    // Act
    const stopped = await upgradeKeysOnce(tables.doc, { ...options, until: () => true });
    const resumed = await upgradeKeysOnce(tables.doc, options);
    await tables.doc.send(
      new PutCommand({
        TableName: name,
        Item: { ...keyVersionMarker('findings'), version: FINDING_KEYS_VERSION + 1 },
      }),
    );
    const older = await upgradeKeysOnce(tables.doc, options);

    // Assert
    expect(stopped).toEqual({ state: 'ran', updated: 0, complete: false });
    expect(resumed).toEqual({ state: 'ran', updated: 2, complete: true });
    expect(older.state).toBe('current');
    const marker = await tables.doc.send(
      new GetCommand({ TableName: name, Key: keyVersionMarker('findings'), ConsistentRead: true }),
    );
    expect(marker.Item?.version).toBe(FINDING_KEYS_VERSION + 1);
  });
});
