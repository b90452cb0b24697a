import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { StateStore } from '../sandbox/state-file.js';

/** Per stream ARN, per shard: the sequence number of the last record handled. */
export type StreamCheckpoints = Record<string, Record<string, string>>;

/** A stream record with where it came from, for checkpointing after it was handled. */
export interface StreamRecordAt {
  readonly streamArn: string;
  readonly shardId: string;
  readonly record: _Record;
}

/**
 * Reads a table's DynamoDB stream from where the last run stopped, as the deployed pipes do with
 * `startingPosition: TRIM_HORIZON`: every shard from its start the first time, after the checkpointed
 * sequence number afterwards, parents before children. The checkpoint of a record is saved by the
 * caller once the record is handled (`commit`), so a crash re-delivers it: at least once, like Pipes.
 */
export class StreamReader {
  private readonly streams: DynamoDBStreamsClient;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly checkpoints: StateStore<StreamCheckpoints>,
  ) {
    // Same endpoint, region and credentials as the table client (DynamoDB Local serves both APIs).
    const config = dynamo.config;
    this.streams = new DynamoDBStreamsClient({
      endpoint: config.endpoint,
      region: config.region,
      credentials: config.credentials,
    });
  }

  /** The table's stream ARN; undefined when it has no stream. */
  async streamArn(tableName: string): Promise<string | undefined> {
    const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.LatestStreamArn;
  }

  /** Every record after the checkpoints, oldest first per shard. */
  async read(tableName: string): Promise<StreamRecordAt[]> {
    const streamArn = await this.streamArn(tableName);
    if (!streamArn) return [];
    const done = this.checkpoints.load()?.[streamArn] ?? {};
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await this.streams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(start ? { ExclusiveStartShardId: start } : {}),
        }),
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const out: StreamRecordAt[] = [];
    for (const shard of parentsFirst(shards)) {
      const shardId = shard.ShardId as string;
      const after = done[shardId];
      let iterator = (
        await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...(after
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        )
      ).ShardIterator;
      // An open shard hands out an empty page at its end, with another iterator: stop there.
      for (let pages = 0; iterator && pages < 10_000; pages++) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = page.Records ?? [];
        for (const record of records) out.push({ streamArn, shardId, record });
        if (records.length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return out;
  }

  /** Marks a record as handled. */
  commit(at: StreamRecordAt): void {
    const sequence = at.record.dynamodb?.SequenceNumber;
    if (!sequence) return;
    const all = this.checkpoints.load() ?? {};
    all[at.streamArn] = { ...(all[at.streamArn] ?? {}), [at.shardId]: sequence };
    this.checkpoints.save(all);
  }

  destroy(): void {
    this.streams.destroy();
  }
}

function parentsFirst(shards: readonly Shard[]): Shard[] {
  const ids = new Set(shards.map((s) => s.ShardId));
  const out: Shard[] = [];
  const placed = new Set<string>();
  const place = (shard: Shard) => {
    const id = shard.ShardId as string;
    if (placed.has(id)) return;
    const parent = shard.ParentShardId;
    if (parent && ids.has(parent)) {
      const p = shards.find((s) => s.ShardId === parent);
      if (p) place(p);
    }
    placed.add(id);
    out.push(shard);
  };
  for (const s of shards) place(s);
  return out;
}
