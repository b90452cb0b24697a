import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { FindingType } from '../../domain/finding.js';
import { mergeKey } from '../../domain/scanning/merge-order.js';
import type { StoredSummaryPage } from '../../ports/metrics-store.js';
import type { DigestEntry, ScanDigests, WriteClaim } from '../../ports/scan-digest.js';
import { OTHER_WRITES_KEY } from './other-writes.js';
import { pad, queryPages } from './query.js';

/** The nonce before any other writer wrote (the marker item does not exist yet). */
const NO_OTHER_WRITES = 'none';

/** How long a claim may write: a scan that claimed longer ago than this is taken as dead. */
export const CLAIM_LEASE_MS = 6 * 3_600_000;
/** Clocks of two scans may differ by this much (as `CLOCK_SKEW_MS` for as-ofs). */
const LEASE_SKEW_MS = 5 * 60_000;
/** Digest entries per stored part: about 150 bytes each before compression, far under 400 KB an item. */
export const DIGEST_PART_ENTRIES = 2_000;

const partition = (accountId: string) => `DIGEST#${accountId}`;
const guardKey = (accountId: string) => ({ pk: partition(accountId), sk: 'GUARD' });
const partPrefix = (slot: Slot) => `PART#${slot}#`;
type Slot = 'A' | 'B';

/** Where the committed digest is: which of the two slots, which claim wrote it, how many parts. */
const Pointer = z.object({
  slot: z.enum(['A', 'B']),
  generation: z.string().min(1),
  parts: z.number().int().nonnegative(),
  nonce: z.string().min(1),
});
type Pointer = z.infer<typeof Pointer>;

/** The guard item: the writers holding a claim (a string set), the count of claims, the pointer. */
interface Guard {
  readonly writers?: ReadonlySet<string>;
  readonly claims?: number;
  readonly digest?: Pointer;
}
const parseGuard = (item: Record<string, unknown>): Guard => {
  const { writers, claims, digest } = item;
  if (writers !== undefined && !(writers instanceof Set && [...writers].every((w) => typeof w === 'string')))
    throw new Error('the scan digest guard has malformed writers');
  if (claims !== undefined && !(typeof claims === 'number' && Number.isInteger(claims) && claims >= 0))
    throw new Error('the scan digest guard has a malformed claim count');
  return {
    ...(writers ? { writers: writers as ReadonlySet<string> } : {}),
    ...(claims !== undefined ? { claims } : {}),
    ...(digest !== undefined ? { digest: Pointer.parse(digest) } : {}),
  };
};

const TYPES: ReadonlySet<string> = new Set(FindingType.options);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** One stored entry: id, type, identity, firstSeen, digest ('' when none), follows the scans (0/1). */
function parseRow(row: unknown): DigestEntry {
  if (!Array.isArray(row) || row.length !== 6) throw new Error('a scan digest entry is malformed');
  const [id, type, identityKey, firstSeen, digest, follows] = row as unknown[];
  if (
    !isText(id) ||
    !TYPES.has(type as string) ||
    !isText(identityKey) ||
    !isText(firstSeen) ||
    typeof digest !== 'string' ||
    (follows !== 0 && follows !== 1)
  )
    throw new Error('a scan digest entry is malformed');
  return {
    id,
    type: type as DigestEntry['type'],
    identityKey,
    firstSeen,
    ...(digest ? { digest } : {}),
    seenWithScans: follows === 1,
  };
}

/** When a writer's claim began (its id starts with the instant). */
const claimedAt = (writer: string) => Date.parse(writer.slice(0, writer.indexOf('|')));

/**
 * The digests of the scans, in the findings table (the scan function's own table): per account a guard
 * item (the writers holding a claim, a count of claims, the pointer to the committed digest) and the
 * digest's parts in two slots (one read, the other written). See docs/performance.md ("Scans that
 * write what changed") for why a digest is never trusted when any finding could have changed.
 */
export class DynamoScanDigests implements ScanDigests {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async claim(accountId: string): Promise<WriteClaim> {
    const now = this.clock();
    const me = `${now.toISOString()}|${randomUUID()}`;
    // Read before anything of the account's findings: a later other write changes it and voids the digest.
    const nonce = await this.otherWritesNonce();
    const guard = await this.guard(accountId);
    const dead = [...(guard.writers ?? [])].filter(
      (w) => !(claimedAt(w) + CLAIM_LEASE_MS + LEASE_SKEW_MS > now.getTime()),
    );
    if (dead.length > 0) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(accountId),
          UpdateExpression: 'DELETE writers :dead',
          ExpressionAttributeValues: { ':dead': new Set(dead) },
        }),
      );
    }
    const alive = (guard.writers?.size ?? 0) - dead.length;
    const pointer = guard.digest;
    if (pointer && alive === 0 && pointer.nonce === nonce && (await this.partsAreWhole(accountId, pointer))) {
      const claims = await this.register(accountId, me, pointer.generation);
      if (claims !== undefined) {
        return this.claimOf(accountId, me, claims, nonce, true, other(pointer.slot), pointer);
      }
    }
    const old = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: guardKey(accountId),
        UpdateExpression: 'ADD writers :me, claims :one REMOVE digest',
        ExpressionAttributeValues: { ':me': new Set([me]), ':one': 1 },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const before = parseGuard(old.Attributes ?? {});
    const exclusive = (before.writers?.size ?? 0) === 0;
    const slot = before.digest ? other(before.digest.slot) : 'A';
    return this.claimOf(accountId, me, (before.claims ?? 0) + 1, nonce, exclusive, slot);
  }

  /** Registers a claim on condition that no one writes and the digest is still the one read. */
  private async register(accountId: string, me: string, generation: string): Promise<number | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(accountId),
          UpdateExpression: 'ADD writers :me, claims :one REMOVE digest',
          ConditionExpression: 'attribute_not_exists(writers) AND digest.generation = :generation',
          ExpressionAttributeValues: { ':me': new Set([me]), ':one': 1, ':generation': generation },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return parseGuard(result.Attributes ?? {}).claims;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private claimOf(
    accountId: string,
    me: string,
    claims: number,
    nonce: string,
    exclusive: boolean,
    slot: Slot,
    pointer?: Pointer,
  ): WriteClaim {
    const client = this.client;
    const tableName = this.tableName;
    const clock = this.clock;
    const pk = partition(accountId);
    let buffer: DigestEntry[] = [];
    let parts = 0;
    let released = false;
    const assertLive = () => {
      if (clock().getTime() - claimedAt(me) > CLAIM_LEASE_MS)
        throw new Error(
          `the scan's claim on account ${accountId} ran out after ${CLAIM_LEASE_MS / 3_600_000} h`,
        );
    };
    const flush = async () => {
      if (buffer.length === 0) return;
      const rows = buffer.map((e) => [
        e.id,
        e.type,
        e.identityKey,
        e.firstSeen,
        e.digest ?? '',
        e.seenWithScans ? 1 : 0,
      ]);
      const through = mergeKey(buffer.at(-1) as DigestEntry);
      buffer = [];
      parts += 1;
      // Parts are written only under an exclusive claim, inside its lease: no other scan reads or writes them.
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk,
            sk: `${partPrefix(slot)}${pad(parts, 6)}`,
            entity: 'scan-digest',
            generation: me,
            through,
            data: gzipSync(JSON.stringify(rows)),
          },
        }),
      );
    };
    const deregister = async () => {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: guardKey(accountId),
          UpdateExpression: 'DELETE writers :me',
          ExpressionAttributeValues: { ':me': new Set([me]) },
        }),
      );
    };
    return {
      exclusive,
      ...(pointer ? { pages: this.pagesOf(accountId, pointer) } : {}),
      append: async (entries) => {
        if (!exclusive || released) return;
        for (const e of entries) {
          buffer.push(e);
          if (buffer.length >= DIGEST_PART_ENTRIES) assertLive();
          if (buffer.length >= DIGEST_PART_ENTRIES) await flush();
        }
      },
      assertLive,
      release: async (complete) => {
        if (released) return false;
        released = true;
        if (!exclusive || !complete) {
          await deregister();
          return false;
        }
        try {
          await flush();
          const next: Pointer = { slot, generation: me, parts, nonce };
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: tableName,
                    Key: guardKey(accountId),
                    UpdateExpression: 'SET digest = :digest DELETE writers :me',
                    // No claim since this one, and this one the only writer.
                    ConditionExpression:
                      'claims = :claims AND contains(writers, :id) AND size(writers) = :one',
                    ExpressionAttributeValues: {
                      ':digest': next,
                      ':me': new Set([me]),
                      ':id': me,
                      ':claims': claims,
                      ':one': 1,
                    },
                  },
                },
                {
                  // No other writer wrote a finding since the claim read the nonce.
                  Put: {
                    TableName: tableName,
                    Item: { ...OTHER_WRITES_KEY, entity: 'other-writes', nonce },
                    ConditionExpression:
                      nonce === NO_OTHER_WRITES
                        ? 'attribute_not_exists(pk) OR nonce = :nonce'
                        : 'nonce = :nonce',
                    ExpressionAttributeValues: { ':nonce': nonce },
                  },
                },
              ],
            }),
          );
          return true;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) {
            await deregister();
            throw error;
          }
          await deregister();
          return false;
        }
      },
    };
  }

  /** The committed digest's parts, one page each, checked to be of its generation. */
  private async *pagesOf(accountId: string, pointer: Pointer): AsyncIterable<StoredSummaryPage> {
    let n = 0;
    for await (const items of queryPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition(accountId), ':prefix': partPrefix(pointer.slot) },
      ConsistentRead: true,
      Limit: 4,
    })) {
      for (const item of items) {
        if (n >= pointer.parts) return;
        n += 1;
        const { generation, through, data } = item;
        if (
          generation !== pointer.generation ||
          item.sk !== `${partPrefix(pointer.slot)}${pad(n, 6)}` ||
          !isText(through) ||
          !(data instanceof Uint8Array)
        )
          throw new Error(`the scan digest of account ${accountId} changed while it was read`);
        const rows: unknown = JSON.parse(gunzipSync(data).toString('utf8'));
        if (!Array.isArray(rows))
          throw new Error(`a part of the scan digest of account ${accountId} is malformed`);
        yield {
          summaries: rows.map((row) => ({
            ...parseRow(row),
            source: 'scanner' as const,
            status: 'open' as const,
          })),
          through,
          complete: false,
        };
      }
    }
    if (n < pointer.parts) throw new Error(`the scan digest of account ${accountId} lost parts`);
  }

  /** Whether every part of the digest is there and of its generation (read before it is relied on). */
  private async partsAreWhole(accountId: string, pointer: Pointer): Promise<boolean> {
    let n = 0;
    for await (const items of queryPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition(accountId), ':prefix': partPrefix(pointer.slot) },
      ProjectionExpression: 'sk, generation',
      ConsistentRead: true,
    })) {
      for (const item of items) {
        if (n >= pointer.parts) break;
        n += 1;
        if (item.generation !== pointer.generation) return false;
      }
    }
    return n === pointer.parts;
  }

  private async otherWritesNonce(): Promise<string> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: OTHER_WRITES_KEY, ConsistentRead: true }),
    );
    const nonce = result.Item?.nonce;
    return typeof nonce === 'string' && nonce.length > 0 ? nonce : NO_OTHER_WRITES;
  }

  private async guard(accountId: string): Promise<Guard> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: guardKey(accountId), ConsistentRead: true }),
    );
    return parseGuard(result.Item ?? {});
  }
}

const other = (slot: Slot): Slot => (slot === 'A' ? 'B' : 'A');
