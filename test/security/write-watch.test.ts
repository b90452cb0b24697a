import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTables, type TestTables } from '../support/dynamo.js';
import { snapshotTables } from '../support/table-snapshot.js';
import { probeWrite, watchWrites } from './support/write-watch.js';

/** The fuzz suite's "writes nothing" check must be able to fail: these are its controls. */
describe('write watch (the fuzz suite checks "writes nothing" with it)', () => {
  let tables: TestTables;
  beforeAll(async () => {
    tables = await createTestTables();
  });
  afterAll(() => tables.client.destroy());

  it('catches a write request in the case that sent it, and the changed table at the end', async () => {
    // Arrange
    const watch = await watchWrites(probeWrite(tables.doc, tables.names.idempotency), () =>
      snapshotTables(tables.doc, tables.names),
    );
    try {
      // Act: a write the way an entry point under test would send one.
      await tables.doc.send(new PutCommand({ TableName: tables.names.idempotency, Item: { id: 'leak' } }));
      // Assert
      expect(() => watch.expectNoWrites('the leaking case')).toThrow(/the leaking case/);
      watch.expectNoWrites('the next case: each write is reported once');
      await expect(watch.expectTablesUnchanged()).rejects.toThrow(/tables changed since the baseline/);
    } finally {
      watch.stop();
    }
  });

  it('records the operation and the item sent', async () => {
    // Arrange
    const watch = await watchWrites(probeWrite(tables.doc, tables.names.idempotency), () =>
      snapshotTables(tables.doc, tables.names),
    );
    try {
      // Act
      await tables.doc.send(new PutCommand({ TableName: tables.names.idempotency, Item: { id: 'seen' } }));
      // Assert
      const [write, ...rest] = watch.take();
      expect(rest).toEqual([]);
      expect(write?.operation).toBe('PutItem');
      expect(JSON.parse(write?.body ?? '{}').Item).toEqual({ id: { S: 'seen' } });
    } finally {
      watch.stop();
    }
  });

  it('refuses to start when the setup sent no write: a blind watch would pass every case', async () => {
    await expect(
      watchWrites(
        async () => undefined,
        () => snapshotTables(tables.doc, tables.names),
      ),
    ).rejects.toThrow(/the setup wrote through the recorded client/);
  });
});
