import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What the reads through one document client cost: DynamoDB's own figures, summed. */
export interface ReadTally {
  /** Read capacity units DynamoDB reported (ReturnConsumedCapacity=TOTAL), tables and indexes together. */
  readUnits: number;
  /** Items DynamoDB read to answer (ScannedCount for Query and Scan, items returned for gets). */
  itemsRead: number;
  /** Items the calls returned. */
  itemsReturned: number;
  /** Read calls sent, by operation name (Query, GetItem, BatchGetItem). */
  calls: Record<string, number>;
}

/** The reads, by the command name the middleware sees (the document client runs the low-level command). */
const READS: Readonly<Record<string, string>> = {
  QueryCommand: 'Query',
  GetItemCommand: 'GetItem',
  GetCommand: 'GetItem',
  BatchGetItemCommand: 'BatchGetItem',
  BatchGetCommand: 'BatchGetItem',
};

interface CapacityOutput {
  ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
  ScannedCount?: number;
  Count?: number;
  Item?: unknown;
  Responses?: Record<string, unknown[]>;
}

/**
 * Adds a middleware to a document client that asks DynamoDB for the capacity of every read
 * (ReturnConsumedCapacity=TOTAL) and sums it, with the items read and returned, into a tally. For
 * benchmarks and tests that hold reports to "read cost grows with the answer, not with the table".
 */
export function meterReads(doc: DynamoDBDocumentClient): ReadTally {
  const tally: ReadTally = { readUnits: 0, itemsRead: 0, itemsReturned: 0, calls: {} };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '';
      const name = READS[command];
      if (!name) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const out = result.output as CapacityOutput;
      const capacity = out.ConsumedCapacity;
      for (const c of Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) {
        tally.readUnits += c.CapacityUnits ?? 0;
      }
      const returned =
        out.Count ??
        (out.Item ? 1 : 0) + Object.values(out.Responses ?? {}).reduce((n, items) => n + items.length, 0);
      tally.itemsReturned += returned;
      tally.itemsRead += out.ScannedCount ?? returned;
      tally.calls[name] = (tally.calls[name] ?? 0) + 1;
      return result;
    },
    { step: 'initialize', name: 'nhiGovReadMeter' },
  );
  return tally;
}

/** Zeroes a tally, to measure the next report on the same client. */
export function resetTally(tally: ReadTally): void {
  tally.readUnits = 0;
  tally.itemsRead = 0;
  tally.itemsReturned = 0;
  tally.calls = {};
}
