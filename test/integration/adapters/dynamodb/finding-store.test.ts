import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoFindingStore } from '../../../../lib/adapters/dynamodb/finding-store.js';
import { aFinding } from '../../../support/builders.js';
import { createTestTables } from '../../../support/dynamo.js';

let store: DynamoFindingStore;

beforeEach(async () => {
  const tables = await createTestTables();
  store = new DynamoFindingStore(tables.doc, tables.names.findings);
});

describe('DynamoFindingStore', () => {
  it('answers "open findings of a type, oldest first" from the status index', async () => {
    const newer = aFinding({ identityKey: 'role/b', firstSeen: '2026-01-05T00:00:00.000Z' });
    const older = aFinding({ identityKey: 'role/a', firstSeen: '2026-01-01T00:00:00.000Z' });
    const key = aFinding({ type: 'unrotated-access-key', identityKey: 'user/ci' });
    for (const f of [newer, older, key]) await store.put(f);

    expect((await store.listByStatus('open', 'stale-role')).map((f) => f.identityKey)).toEqual([
      'role/a',
      'role/b',
    ]);
    expect(await store.listByStatus('open')).toHaveLength(3);
    expect(await store.listByStatus('resolved')).toEqual([]);
  });

  it('moves a finding out of the open partition when it is resolved', async () => {
    const open = aFinding();
    await store.put(open);
    await store.put({ ...open, status: 'resolved', resolvedAt: '2026-02-01T00:00:00.000Z' });

    expect(await store.listByStatus('open')).toEqual([]);
    expect((await store.listByStatus('resolved')).map((f) => f.id)).toEqual([open.id]);
    expect(await store.get(open.id)).toMatchObject({ status: 'resolved', firstSeen: open.firstSeen });
  });

  it('answers "what does this team own" and "what is wrong with this identity"', async () => {
    await store.put(aFinding({ identityKey: 'role/a', owner: 'team-data' }));
    await store.put(aFinding({ identityKey: 'role/b', owner: 'team-web' }));
    await store.put(aFinding({ type: 'orphaned-identity', identityKey: 'role/c', owner: undefined }));
    await store.put(
      aFinding({
        type: 'orphaned-identity',
        identityKey: 'role/a',
        owner: 'team-data',
        status: 'suppressed',
        suppressedBy: 'd-exception0001',
      }),
    );

    expect((await store.listByOwner('team-data')).map((f) => f.identityKey)).toEqual(['role/a', 'role/a']);
    expect((await store.listByOwner('team-data', 'open')).map((f) => f.type)).toEqual(['stale-role']);
    expect((await store.listByIdentity('role/a')).map((f) => f.type).sort()).toEqual([
      'orphaned-identity',
      'stale-role',
    ]);
  });
});
