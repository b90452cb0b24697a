import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { type DynamoWrite, describeWrites, recordDynamoWrites } from '../../support/dynamo-writes.js';
import { type TableSnapshot, tableChanges } from '../../support/table-snapshot.js';

/**
 * "Writes nothing", checked at two depths for a thousand refusals:
 * - per case, that no DynamoDB write request was even sent (free: see dynamo-writes.ts);
 * - once after the cases, that every table still equals the baseline, item for item (the proof that
 *   no write went by any other way).
 * The setup's own writes prove the recorder sees this world's client at all: a watch whose setup sent
 * no write request refuses to start, so the per-case check can never pass by being blind.
 */
export interface WriteWatch {
  /** Per case: no DynamoDB write request since the previous check. */
  expectNoWrites(how: string): void;
  /** The write requests since the previous check, for an entry point that must write one thing. */
  take(): DynamoWrite[];
  /** Every table compared with the baseline: items added, and items changed or removed. */
  changes(): Promise<{ added: string[]; removedOrChanged: string[] }>;
  /** Once, after the cases: every table equals the baseline. */
  expectTablesUnchanged(): Promise<void>;
  /** Takes a new baseline (after a case that was meant to write). */
  rebase(): Promise<void>;
  stop(): void;
}

export async function watchWrites(
  seed: () => Promise<void>,
  snapshot: () => Promise<TableSnapshot>,
): Promise<WriteWatch> {
  const recorder = recordDynamoWrites();
  try {
    await seed();
    expect(recorder.take().length, 'the setup wrote through the recorded client').toBeGreaterThan(0);
  } catch (error) {
    recorder.stop();
    throw error;
  }
  let baseline = await snapshot();
  const changes = async () => tableChanges(baseline, await snapshot());
  return {
    expectNoWrites: (how) => expect(describeWrites(recorder.take()), how).toEqual([]),
    take: () => recorder.take(),
    changes,
    expectTablesUnchanged: async () => {
      const { added, removedOrChanged } = await changes();
      expect(
        [...added.map((a) => `added ${a}`), ...removedOrChanged.map((r) => `changed ${r}`)].map((t) =>
          t.slice(0, 400),
        ),
        'tables changed since the baseline',
      ).toEqual([]);
    },
    rebase: async () => {
      baseline = await snapshot();
      recorder.take();
    },
    stop: () => recorder.stop(),
  };
}

/**
 * A setup for a world whose tables start empty: puts and deletes one item in the idempotency table
 * (keyed `id`, as Powertools keys it), so the recorder has seen this client write and nothing is left.
 */
export function probeWrite(doc: DynamoDBDocumentClient, idempotencyTable: string): () => Promise<void> {
  return async () => {
    const Key = { id: 'write-watch-probe' };
    await doc.send(new PutCommand({ TableName: idempotencyTable, Item: Key }));
    await doc.send(new DeleteCommand({ TableName: idempotencyTable, Key }));
  };
}
