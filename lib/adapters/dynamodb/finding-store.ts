import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { INDEX } from '../../config/tables.js';
import { Finding, FindingSource, FindingStatus, FindingType } from '../../domain/finding.js';
import { MetricsSnapshot } from '../../domain/metrics.js';
import { SEVERITY_RANK, type Severity } from '../../domain/primitives.js';
import { renderTitle } from '../../domain/scanning/dated-title.js';
import { findingDigest } from '../../domain/scanning/finding-digest.js';
import { mergeKey } from '../../domain/scanning/merge-order.js';
import type { FindingFilter, FindingQueries, FindingStore } from '../../ports/finding-store.js';
import type {
  FindingBatch,
  MetricsStore,
  StoredFindingSummary,
  StoredSummaryPage,
} from '../../ports/metrics-store.js';
import type { KeyUpgradeResult } from './key-upgrade.js';
import { OTHER_WRITES_KEY, otherWriteNonce } from './other-writes.js';
import { queryAll, queryPages, stripKeys } from './query.js';
import { DynamoScanLog } from './scan-log.js';

/** DynamoDB's batch limits, and how many batches a scan keeps in flight. */
const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;
const BATCH_CONCURRENCY = 8;
const MAX_UNPROCESSED_ROUNDS = 8;
/** Stored findings a scan's merge holds at a time (one page of the summary query; about 300 KB). */
const SUMMARY_PAGE = 2_000;

const findingKey = (id: string) => ({ pk: `FINDING#${id}`, sk: 'FINDING' });
/** Every index attribute a finding item may carry (lib/config/tables.ts: by-status, by-owner, by-identity, by-account). */
const INDEX_ATTRIBUTES = [
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
] as const;
const INDEX_ATTRIBUTE = /^gsi\d+(pk|sk)$/;

/**
 * The version of the findings' index keys; `upgradeKeys` brings older items up to it. 2: the severity
 * rank in the by-status and by-owner sort keys, and the by-account index (#16.5).
 */
export const FINDING_KEYS_VERSION = 2;

/**
 * The by-identity index keys. A finding with an account sits in its account's partition, sorted by
 * identity: one query reads an account (a scan), `begins_with(<identity>#)` one identity in it. IAM
 * names cannot hold `#`, so `role/a#` never matches `role/ab`. Findings without an account (about a
 * decision, or stored before accounts were kept) stay in the per-identity partition they had.
 */
function identityIndexKeys(finding: Pick<Finding, 'id' | 'type' | 'identityKey' | 'accountId'>): {
  gsi3pk: string;
  gsi3sk: string;
} {
  return finding.accountId
    ? {
        gsi3pk: `ACCOUNT#${finding.accountId}`,
        gsi3sk: mergeKey(finding),
      }
    : { gsi3pk: `IDENTITY#${finding.identityKey}`, gsi3sk: `${finding.type}#${finding.id}` };
}

/** Severity as one digit, worst highest, so "at or above a severity" is one range of a sort key. */
const rankOf = (severity: Severity) => String(SEVERITY_RANK[severity]);
const RANKS_WORST_FIRST = ['4', '3', '2', '1', '0'] as const;
/** Sorts after every `<rank>#<type>#...` of the same rank: finding types are lowercase words and `-`. */
const AFTER_RANK = '#~';

/** What the index keys are made of: the fields of a finding that reports filter on. */
type KeyFields = Pick<Finding, 'id' | 'type' | 'severity' | 'status' | 'firstSeen' | 'identityKey'> &
  Partial<Pick<Finding, 'owner' | 'accountId'>>;

/**
 * The index attributes of a finding. Each report filter is part of a key, so a filtered report reads
 * only its answer (docs/data-model.md): status (by-status), owner (by-owner), account (by-account);
 * and on each of them a sort key that starts with the severity rank, then the type.
 */
export function findingIndexKeys(finding: KeyFields): Record<string, string> {
  const rank = rankOf(finding.severity);
  return {
    gsi1pk: `STATUS#${finding.status}`,
    gsi1sk: `${rank}#${finding.type}#${finding.firstSeen}#${finding.id}`,
    ...(finding.owner
      ? {
          gsi2pk: `OWNER#${finding.owner}`,
          gsi2sk: `${finding.status}#${rank}#${finding.type}#${finding.id}`,
        }
      : {}),
    ...identityIndexKeys(finding),
    ...(finding.accountId
      ? {
          gsi4pk: `ACCOUNT#${finding.accountId}#STATUS#${finding.status}`,
          gsi4sk: `${rank}#${finding.type}#${finding.firstSeen}#${finding.id}`,
        }
      : {}),
  };
}

/**
 * The stored item: the finding plus key and index attributes that follow its status and owner, and
 * the digest of its content (what a re-scan compares). `seenWithScans` marks a finding a scan wrote:
 * while it is open or suppressed, its real `lastSeen` is its account's latest scan (see `toFinding`).
 */
export function findingItem(
  finding: Finding,
  options: { seenWithScans?: boolean } = {},
): Record<string, unknown> {
  return {
    ...findingKey(finding.id),
    digest: findingDigest(finding),
    ...(options.seenWithScans && finding.accountId ? { seenWithScans: true } : {}),
    entity: 'finding',
    ...findingIndexKeys(finding),
    ...finding,
  };
}

/** A key condition on one index: partition, and the sort-key condition and values, if any. */
interface KeyQuery {
  readonly index: string;
  readonly pkName: string;
  readonly pk: string;
  readonly skName: string;
  /** Before every sort key this query reads (e.g. `open#` on the by-owner index). */
  readonly prefix: string;
}

/**
 * The key conditions that read exactly the findings of a filter on one index: one Query for a status
 * or a minimum severity (a range of the sort key), one per severity rank when a type is asked for
 * (`<rank>#<type>#` prefixes), never a scan of the rest.
 */
function keyConditions(
  q: KeyQuery,
  filter: FindingFilter,
): { KeyConditionExpression: string; values: Record<string, string> }[] {
  const pk = { ':pk': q.pk };
  const min = filter.minSeverity ? rankOf(filter.minSeverity) : '0';
  if (filter.type) {
    return RANKS_WORST_FIRST.filter((r) => r >= min).map((r) => ({
      KeyConditionExpression: `${q.pkName} = :pk AND begins_with(${q.skName}, :sk)`,
      values: { ...pk, ':sk': `${q.prefix}${r}#${filter.type}#` },
    }));
  }
  if (filter.minSeverity) {
    return [
      {
        KeyConditionExpression: `${q.pkName} = :pk AND ${q.skName} BETWEEN :lo AND :hi`,
        values: { ...pk, ':lo': `${q.prefix}${min}#`, ':hi': `${q.prefix}4${AFTER_RANK}` },
      },
    ];
  }
  if (q.prefix) {
    return [
      {
        KeyConditionExpression: `${q.pkName} = :pk AND begins_with(${q.skName}, :sk)`,
        values: { ...pk, ':sk': q.prefix },
      },
    ];
  }
  return [{ KeyConditionExpression: `${q.pkName} = :pk`, values: pk }];
}

const ACTIVE = new Set<unknown>(['open', 'suppressed']);

/** Whether a stored item's `lastSeen` follows its account's scans (a scan wrote it and it is still active). */
const followsScans = (item: Record<string, unknown>) =>
  item.seenWithScans === true && ACTIVE.has(item.status) && typeof item.accountId === 'string';

/**
 * The finding an item stands for. A finding a scan wrote and that is still open or suppressed was seen
 * by every later scan of its account (a scan that does not see it resolves or freezes it, which is a
 * write): its `lastSeen` is the latest scan's as-of, and a dated title is rendered at it. The answer is
 * what the scans would have stored had they rewritten every finding.
 * @param latest the as-of of each account's latest scan (only needed when the item follows the scans).
 */
export function toFinding(item: Record<string, unknown>, latest?: ReadonlyMap<string, string>): Finding {
  const { digest: _digest, seenWithScans: _seen, ...rest } = stripKeys(item);
  if (followsScans(item)) {
    const asOf = latest?.get(item.accountId as string);
    if (asOf !== undefined && typeof rest.lastSeen === 'string' && asOf > rest.lastSeen) {
      rest.lastSeen = asOf;
      if (typeof rest.titleTemplate === 'string') rest.title = renderTitle(rest.titleTemplate, asOf);
    }
  }
  return Finding.parse(rest);
}

/** What `summaryPages` reads of each item: no title, no evidence. */
const SUMMARY_ATTRIBUTES = [
  'id',
  'type',
  'identityKey',
  'source',
  'status',
  'firstSeen',
  'digest',
  'seenWithScans',
  'gsi3sk',
];
const Summary = z.object({
  id: z.string().min(1),
  type: FindingType,
  identityKey: z.string().min(1),
  source: FindingSource,
  status: FindingStatus,
  firstSeen: z.string().min(1),
  digest: z.string().optional(),
  seenWithScans: z.boolean().optional(),
  // Absent on a finding without an account (read by key).
  gsi3sk: z.string().min(1).optional(),
});

/** A stored item's summary (the `gsi3sk` it was read with left out). */
function toSummary(item: Record<string, unknown>): StoredFindingSummary {
  const { seenWithScans, digest, gsi3sk: _sk, ...rest } = Summary.parse(item);
  return { ...rest, ...(digest ? { digest } : {}), seenWithScans: seenWithScans === true };
}

export class DynamoFindingStore implements FindingStore, FindingQueries, FindingBatch, MetricsStore {
  private readonly scans: DynamoScanLog;

  private readonly backoff: (round: number) => Promise<void>;

  private readonly summaryPage: number;

  /**
   * @param options.sleep the wait between retry rounds (a test seam; default a real timer).
   * @param options.summaryPageSize stored findings per page of `summaryPages` (default 2,000).
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { readonly sleep?: (ms: number) => Promise<void>; readonly summaryPageSize?: number } = {},
  ) {
    this.scans = new DynamoScanLog(client, tableName);
    this.summaryPage = options.summaryPageSize ?? SUMMARY_PAGE;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.backoff = (round) => sleep(backoffMs(round));
  }

  /**
   * Writes one finding outside a scan (executors, rotation), in one transaction with a fresh nonce on
   * the other-writes item: no scan digest made before this write is ever used after it, so a re-scan
   * reads the stored findings again (`DynamoScanDigests`). Retries a transaction that met another.
   */
  async put(finding: Finding): Promise<void> {
    const Item = findingItem(Finding.parse(finding));
    for (let round = 0; ; round++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item } },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...OTHER_WRITES_KEY, entity: 'other-writes', nonce: otherWriteNonce() },
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        // Only a conflict with another transaction on the same items (a scan committing its digest).
        const conflict =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
        if (!conflict || round >= MAX_UNPROCESSED_ROUNDS) throw error;
        await this.backoff(round + 1);
      }
    }
  }

  async get(id: string): Promise<Finding | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: findingKey(id), ConsistentRead: true }),
    );
    return result.Item ? (await this.toFindings([result.Item]))[0] : undefined;
  }

  async listByStatus(status: FindingStatus, type?: FindingType): Promise<Finding[]> {
    const found: Finding[] = [];
    for await (const page of this.pagesOf({ status, ...(type ? { type } : {}) })) found.push(...page);
    return found;
  }

  /**
   * The findings of a filter through the index whose partition key holds the most of it: the account's
   * (by-account), the owner's (by-owner) or the status's (by-status); severity and type ride on the sort
   * key of each. Only owner and account together leave one of them to a filter expression: the owner's
   * findings in the account are read from the owner's partition.
   */
  async *pagesOf(filter: FindingFilter): AsyncIterable<readonly Finding[]> {
    let q: KeyQuery;
    let accountFilter = false;
    if (filter.owner !== undefined) {
      q = {
        index: INDEX.findingsByOwner,
        pkName: 'gsi2pk',
        pk: `OWNER#${filter.owner}`,
        skName: 'gsi2sk',
        prefix: `${filter.status}#`,
      };
      accountFilter = filter.accountId !== undefined;
    } else if (filter.accountId !== undefined) {
      q = {
        index: INDEX.findingsByAccount,
        pkName: 'gsi4pk',
        pk: `ACCOUNT#${filter.accountId}#STATUS#${filter.status}`,
        skName: 'gsi4sk',
        prefix: '',
      };
    } else {
      q = {
        index: INDEX.findingsByStatus,
        pkName: 'gsi1pk',
        pk: `STATUS#${filter.status}`,
        skName: 'gsi1sk',
        prefix: '',
      };
    }
    let latest: ReadonlyMap<string, string> | undefined;
    for (const condition of keyConditions(q, filter)) {
      const pages = queryPages(this.client, {
        TableName: this.tableName,
        IndexName: q.index,
        KeyConditionExpression: condition.KeyConditionExpression,
        ...(accountFilter
          ? {
              FilterExpression: 'accountId = :account',
              ExpressionAttributeValues: { ...condition.values, ':account': filter.accountId },
            }
          : { ExpressionAttributeValues: condition.values }),
      });
      for await (const items of pages) {
        if (items.length === 0) continue;
        // The scan log once per report, not once per page (a page is about a thousand findings).
        if (!latest && items.some(followsScans)) latest = await this.latestScans();
        yield items.map((item) => toFinding(item, latest));
      }
    }
  }

  async listByOwner(owner: string, status?: FindingStatus): Promise<Finding[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.findingsByOwner,
      KeyConditionExpression: status ? 'gsi2pk = :pk AND begins_with(gsi2sk, :status)' : 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `OWNER#${owner}`, ...(status ? { ':status': `${status}#` } : {}) },
    });
    return this.toFindings(items);
  }

  /**
   * Every finding about one identity: in one account when given; otherwise in every account the
   * store has scanned, and those without an account.
   */
  async listByIdentity(identityKey: string, accountId?: string): Promise<Finding[]> {
    const accounts =
      accountId !== undefined ? [accountId] : (await this.scans.listLatestScans()).map((s) => s.accountId);
    const inAccounts = await Promise.all(
      accounts.map((account) =>
        queryAll(this.client, {
          TableName: this.tableName,
          IndexName: INDEX.findingsByIdentity,
          KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :identity)',
          ExpressionAttributeValues: { ':pk': `ACCOUNT#${account}`, ':identity': `${identityKey}#` },
        }),
      ),
    );
    const unscoped =
      accountId !== undefined
        ? []
        : await queryAll(this.client, {
            TableName: this.tableName,
            IndexName: INDEX.findingsByIdentity,
            KeyConditionExpression: 'gsi3pk = :pk',
            ExpressionAttributeValues: { ':pk': `IDENTITY#${identityKey}` },
          });
    return this.toFindings([...inAccounts.flat(), ...unscoped]);
  }

  /** The open and suppressed findings of one account: one query of its partition. */
  async listActiveInAccount(accountId: string): Promise<Finding[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.findingsByIdentity,
      KeyConditionExpression: 'gsi3pk = :pk',
      FilterExpression: '#status IN (:open, :suppressed)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': `ACCOUNT#${accountId}`,
        ':open': 'open',
        ':suppressed': 'suppressed',
      },
    });
    return this.toFindings(items);
  }

  /** Open and suppressed scanner findings stored without an account (before accounts were kept). */
  async listUnscopedActive(): Promise<Finding[]> {
    const lists = await Promise.all(
      (['open', 'suppressed'] as const).map((status) =>
        queryAll(this.client, {
          TableName: this.tableName,
          IndexName: INDEX.findingsByStatus,
          KeyConditionExpression: 'gsi1pk = :pk',
          FilterExpression: 'attribute_not_exists(accountId) AND #source = :scanner',
          ExpressionAttributeNames: { '#source': 'source' },
          ExpressionAttributeValues: { ':pk': `STATUS#${status}`, ':scanner': 'scanner' },
        }),
      ),
    );
    return this.toFindings(lists.flat());
  }

  /** BatchGetItem in chunks of 100, strongly consistent, retrying unprocessed keys. */
  async getMany(
    ids: readonly string[],
    options: { readonly latestScans?: ReadonlyMap<string, string> } = {},
  ): Promise<Finding[]> {
    const unique = [...new Set(ids)];
    const found: Record<string, unknown>[] = [];
    await inChunks(unique, BATCH_GET_MAX, async (chunk) => {
      let keys: Record<string, unknown>[] | undefined = chunk.map(findingKey);
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 0) await this.backoff(round);
        if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB left keys unprocessed after retries');
        const result: BatchGetCommandOutput | undefined = await throttled(() =>
          this.client.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
            }),
          ),
        );
        if (!result) continue;
        for (const item of result.Responses?.[this.tableName] ?? []) found.push(item);
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    });
    return options.latestScans
      ? found.map((item) => toFinding(item, options.latestScans))
      : this.toFindings(found);
  }

  /**
   * BatchWriteItem in chunks of 25, at most 8 in flight, retrying unprocessed items and throttled
   * batches with exponential backoff and jitter (beyond the SDK's own retries), 8 rounds at most.
   */
  async putMany(findings: readonly Finding[]): Promise<void> {
    await this.writeItems(findings.map((f) => findingItem(Finding.parse(f))));
  }

  /** As `putMany`, marking each finding as seen with its account's scans (see `toFinding`). */
  async putSeen(findings: readonly Finding[]): Promise<void> {
    await this.writeItems(findings.map((f) => findingItem(Finding.parse(f), { seenWithScans: true })));
  }

  async getSummaries(ids: readonly string[]): Promise<StoredFindingSummary[]> {
    const unique = [...new Set(ids)];
    const names = Object.fromEntries(SUMMARY_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
    const found: StoredFindingSummary[] = [];
    await inChunks(unique, BATCH_GET_MAX, async (chunk) => {
      let keys: Record<string, unknown>[] | undefined = chunk.map(findingKey);
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 0) await this.backoff(round);
        if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB left keys unprocessed after retries');
        const result: BatchGetCommandOutput | undefined = await throttled(() =>
          this.client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: keys,
                  ConsistentRead: true,
                  ProjectionExpression: Object.keys(names).join(', '),
                  ExpressionAttributeNames: names,
                },
              },
            }),
          ),
        );
        if (!result) continue;
        for (const item of result.Responses?.[this.tableName] ?? []) found.push(toSummary(item));
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    });
    return found;
  }

  /**
   * Every finding of one account, summarized, a page at a time: the account's partition of the
   * by-identity index, whose sort key is the merge key, with a projection of the attributes the merge
   * needs. Resolved ones come too: the query reads them either way (a filter would not save their
   * read cost), and their firstSeen spares a later read by key of every new finding.
   */
  async *summaryPages(accountId: string): AsyncIterable<StoredSummaryPage> {
    const names = Object.fromEntries(SUMMARY_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
    for await (const items of queryPages(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.findingsByIdentity,
      KeyConditionExpression: 'gsi3pk = :pk',
      ProjectionExpression: Object.keys(names).join(', '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
      Limit: this.summaryPage,
    })) {
      const last = items.at(-1);
      if (last === undefined) continue;
      yield {
        summaries: items.map(toSummary),
        // Where the index put it, not where the attributes say it should be: the page covers up to here.
        through: String(last.gsi3sk),
      };
    }
  }

  private async writeItems(items: readonly Record<string, unknown>[]): Promise<void> {
    await inChunks(items, BATCH_WRITE_MAX, async (chunk) => {
      let requests: { PutRequest?: { Item: Record<string, unknown> } }[] | undefined = chunk.map((Item) => ({
        PutRequest: { Item },
      }));
      for (let round = 0; requests && requests.length > 0; round++) {
        if (round > 0) await this.backoff(round);
        if (round >= MAX_UNPROCESSED_ROUNDS)
          throw new Error('DynamoDB left writes unprocessed after retries');
        const result = await throttled(() =>
          this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } })),
        );
        // Throttled as a whole (after the SDK's own retries): the same requests again, after a longer wait.
        if (result) requests = result.UnprocessedItems?.[this.tableName] as typeof requests;
      }
    });
  }

  /** Items to findings, with the latest scans read once when some item's lastSeen follows them. */
  private async toFindings(items: readonly Record<string, unknown>[]): Promise<Finding[]> {
    const latest = items.some(followsScans) ? await this.latestScans() : undefined;
    return items.map((item) => toFinding(item, latest));
  }

  /** The as-of of each account's latest scan. */
  private async latestScans(): Promise<ReadonlyMap<string, string>> {
    return new Map((await this.scans.listLatestScans()).map((s) => [s.accountId, s.asOf]));
  }

  /**
   * Brings the index keys of findings stored by an older version up to date (the severity rank in the
   * by-status and by-owner sort keys, the by-account keys). Reads every finding through the by-status
   * index (never a Scan) and writes back, as it was read, each item whose keys differ, with its keys
   * replaced, on condition that its index attributes are still the ones read: every current writer
   * writes current keys, so a finding written meanwhile (by a scan, or by another upgrade running at
   * the same time) is left as that writer left it. Writes nothing when every key is current. Query,
   * GetItem and PutItem only: the permissions a scan already holds. `until` is checked before each
   * page; when it says stop, the pass returns `complete: false` and the next pass continues. Run once
   * per table through `upgradeKeysOnce` (key-upgrade.ts): the scan function, and local mode.
   */
  async upgradeKeys(options: { until?: () => boolean } = {}): Promise<KeyUpgradeResult> {
    let updated = 0;
    for (const status of ['open', 'suppressed', 'resolved'] as const) {
      for await (const items of queryPages(this.client, {
        TableName: this.tableName,
        IndexName: INDEX.findingsByStatus,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
      })) {
        if (options.until?.()) return { updated, complete: false };
        const stale = items.filter((item) => {
          const keys = findingIndexKeys(item as unknown as KeyFields);
          return !Object.entries(keys).every(([k, v]) => item[k] === v);
        });
        await inChunks(stale, 1, async ([item]) => {
          if (item && (await this.rekey(item))) updated += 1;
        });
      }
    }
    return { updated, complete: true };
  }

  /** Writes one stale finding back with current keys, unless it was written since it was read. */
  private async rekey(item: Record<string, unknown>): Promise<boolean> {
    const keys = findingIndexKeys(item as unknown as KeyFields);
    const rest = Object.fromEntries(Object.entries(item).filter(([k]) => !INDEX_ATTRIBUTE.test(k)));
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(pk)'];
    for (const [i, name] of INDEX_ATTRIBUTES.entries()) {
      names[`#k${i}`] = name;
      if (item[name] === undefined) {
        conditions.push(`attribute_not_exists(#k${i})`);
      } else {
        values[`:k${i}`] = item[name];
        conditions.push(`#k${i} = :k${i}`);
      }
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...rest, ...keys },
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putMetrics(snapshot: MetricsSnapshot): Promise<void> {
    const valid = MetricsSnapshot.parse(snapshot);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: 'METRICS', sk: `DAY#${valid.day}`, entity: 'metrics', ...valid },
      }),
    );
  }

  async listMetrics(from: string, to: string): Promise<MetricsSnapshot[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': 'METRICS', ':from': `DAY#${from}`, ':to': `DAY#${to}` },
    });
    return items.map((item) => MetricsSnapshot.parse(stripKeys(item)));
  }
}

async function inChunks<T>(
  items: readonly T[],
  size: number,
  fn: (chunk: T[]) => Promise<void>,
): Promise<void> {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as T[];
      await fn(chunk);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, chunks.length) }, worker));
}

/** DynamoDB's answers that mean "too fast, try again later" (the SDK retried them already). */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * Runs one batch call; when DynamoDB still throttles it after the SDK's retry strategy gave up, answers
 * `undefined` so the caller backs off and sends the same batch again (within its bounded rounds).
 */
async function throttled<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const e = error as { name?: string; $retryable?: { throttling?: boolean } };
    if ((e.name && THROTTLING.has(e.name)) || e.$retryable?.throttling) return undefined;
    throw error;
  }
}

/** Exponential backoff with full jitter, as AWS advises for unprocessed batch items: the wait before a round. */
function backoffMs(round: number): number {
  const cap = Math.min(2_000, 50 * 2 ** round);
  return Math.random() * cap;
}
