import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoFindingStore } from '../../../../lib/adapters/dynamodb/finding-store.js';
import { aFinding } from '../../../support/builders.js';

const TABLE = 'findings';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(DynamoDBDocumentClient);

type Request = { PutRequest: { Item: { id: string } } };
/** What DynamoDB does with one BatchWriteItem call. */
type Answer = { kind: 'ok' } | { kind: 'unprocessed'; keep: number } | { kind: 'throttle' };

/**
 * A stateful fake of BatchWriteItem: each call takes the next answer (then `ok`), stores what it
 * accepted, and tracks how many calls are in flight at once.
 */
function fakeBatchWrites(answers: Answer[]) {
  const stored: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  dynamo.on(BatchWriteCommand).callsFake(async (input: BatchWriteCommandInput) => {
    calls++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    const requests = (input.RequestItems?.[TABLE] ?? []) as Request[];
    const answer = answers.shift() ?? { kind: 'ok' };
    if (answer.kind === 'throttle') {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ProvisionedThroughputExceededException',
        $retryable: { throttling: true },
      });
    }
    const keep = answer.kind === 'unprocessed' ? Math.min(answer.keep, requests.length) : 0;
    const accepted = requests.slice(0, requests.length - keep);
    stored.push(...accepted.map((r) => r.PutRequest.Item.id));
    const left = requests.slice(requests.length - keep);
    return left.length > 0 ? { UnprocessedItems: { [TABLE]: left } } : {};
  });
  return { stored, maxInFlight: () => maxInFlight, calls: () => calls };
}

const findings = (n: number) =>
  Array.from({ length: n }, (_, i) => aFinding({ identityKey: `role/r-${i}`, accountId: '111122223333' }));

beforeEach(() => dynamo.reset());

describe('DynamoFindingStore batch writes', () => {
  it('stores every finding exactly once whatever DynamoDB leaves unprocessed or throttles, with at most 8 batches in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.array(
          fc.oneof(
            fc.constant<Answer>({ kind: 'ok' }),
            fc.integer({ min: 1, max: 25 }).map<Answer>((keep) => ({ kind: 'unprocessed', keep })),
            fc.constant<Answer>({ kind: 'throttle' }),
          ),
          // Fewer faults than the store's 8 retry rounds, so every run must end with everything stored
          // (12 could all strike one batch: giving up after 8 rounds is the next test's case).
          { maxLength: 7 },
        ),
        async (n, answers) => {
          // Arrange
          dynamo.reset();
          const fake = fakeBatchWrites([...answers]);
          const waits: number[] = [];
          const store = new DynamoFindingStore(doc, TABLE, { sleep: async (ms) => void waits.push(ms) });
          const all = findings(n);

          // Act
          await store.putSeen(all);

          // Assert: each id once, no batch over 25, bounded parallelism, a wait before every retry.
          expect(fake.stored.sort()).toEqual(all.map((f) => f.id).sort());
          expect(fake.maxInFlight()).toBeLessThanOrEqual(8);
          for (const call of dynamo.commandCalls(BatchWriteCommand)) {
            expect(call.args[0].input.RequestItems?.[TABLE]?.length ?? 0).toBeLessThanOrEqual(25);
          }
          expect(waits).toHaveLength(fake.calls() - Math.ceil(n / 25));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('keeps 8 batches in flight for a large write, not one at a time', async () => {
    const fake = fakeBatchWrites([]);
    const store = new DynamoFindingStore(doc, TABLE);

    await store.putMany(findings(1_000));

    expect(fake.calls()).toBe(40);
    expect(fake.maxInFlight()).toBe(8);
  });

  it('gives up after 8 rounds of a batch DynamoDB keeps throttling, and says so', async () => {
    fakeBatchWrites(Array.from({ length: 20 }, () => ({ kind: 'throttle' }) as const));
    const store = new DynamoFindingStore(doc, TABLE, { sleep: async () => {} });

    await expect(store.putMany(findings(3))).rejects.toThrow(
      'DynamoDB left writes unprocessed after retries',
    );
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(8);
  });

  it('does not retry an error that is not throttling', async () => {
    dynamo.on(BatchWriteCommand).rejects(
      new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'Item size has exceeded the maximum allowed size',
        $metadata: {},
      }),
    );
    const store = new DynamoFindingStore(doc, TABLE, { sleep: async () => {} });

    await expect(store.putMany(findings(3))).rejects.toThrow('Item size has exceeded');
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);
  });

  it('marks what a scan saw and digests every item, so a re-scan can tell unchanged from changed', async () => {
    const fake = fakeBatchWrites([]);
    const store = new DynamoFindingStore(doc, TABLE);
    const [seen, plain] = findings(2) as [ReturnType<typeof aFinding>, ReturnType<typeof aFinding>];

    await store.putSeen([seen]);
    await store.putMany([plain]);

    const items = dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap(
        (c) =>
          (c.args[0].input.RequestItems?.[TABLE] ?? []) as {
            PutRequest: { Item: Record<string, unknown> };
          }[],
      )
      .map((r) => r.PutRequest.Item);
    expect(fake.stored).toHaveLength(2);
    expect(items[0]).toMatchObject({ id: seen.id, seenWithScans: true, digest: expect.any(String) });
    expect(items[1]).toMatchObject({ id: plain.id, digest: expect.any(String) });
    expect(items[1]).not.toHaveProperty('seenWithScans');
  });
});
