import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { attemptIndexKeys, decisionIndexKeys } from '../../lib/adapters/dynamodb/decision-store.js';
import { keyVersionMarker } from '../../lib/adapters/dynamodb/key-upgrade.js';
import { AccountId } from '../../lib/domain/account.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { derivedId } from '../../lib/domain/governance/deps.js';

/**
 * A tool, not an adapter: the one place that scans whole tables (the report path and the DynamoDB
 * adapters never do; test/integration/reports/render.test.ts holds them to it).
 *
 * Moving a single-account or per-member deployment's data into the organization hub's tables
 * (docs/data-model.md#migrating-to-the-hub). Every decision id becomes `<account>-<old id>` (the hub's
 * account-first keys), in every key and every reference (approvals, refusals, claims, revokes,
 * renewals, review items, execution records); decisions stored without an account get the one the
 * source deployment served. Findings and the scan log keep their keys (they are account-keyed
 * already; a finding's id is a hash its scanner recomputes). Each write is conditioned on
 * `attribute_not_exists(pk)`: a re-run writes nothing it wrote before, so the copy is idempotent and
 * resumes where it stopped; an existing item that differs is reported, never overwritten.
 */

/** The id a decision has in the hub: `<account>-<id>`, or a derived 26-character id when too long. */
export function hubDecisionId(accountId: string, id: string): string {
  if (new RegExp(`^${accountId}-`).test(id)) return id;
  const hub = `${accountId}-${id}`;
  return hub.length <= 64 ? hub : `${accountId}-${derivedId('hub-migration', id)}`;
}

/** Attributes that are a decision id, or a list of them, in the suite's items. */
const ID_ATTRIBUTES = new Set([
  'id',
  'decisionId',
  'revokes',
  'renewalOf',
  'revokeDecisionId',
  'claimOn',
  'holder',
]);
const ID_LIST_ATTRIBUTES = new Set(['revokeDecisionIds']);
/** Key attributes whose text holds decision ids between `#` separators. */
const KEY_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
]);

/** Replaces each `#`-separated part of a key that is an old decision id by its hub id. */
function rekeyText(text: string, ids: ReadonlyMap<string, string>): string {
  return text
    .split('#')
    .map((part) => ids.get(part) ?? part)
    .join('#');
}

/**
 * An item of the decisions or executions table with its decision ids replaced (keys and reference
 * attributes only; free text such as notes keeps what it said), and `accountId` set on a decision
 * stored without one. Pure: the same item and map always give the same result.
 */
export function rekeyItem(
  item: Readonly<Record<string, unknown>>,
  ids: ReadonlyMap<string, string>,
  accountOf: (decisionId: string) => string | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (typeof value === 'string' && KEY_ATTRIBUTES.has(key)) out[key] = rekeyText(value, ids);
    else if (typeof value === 'string' && ID_ATTRIBUTES.has(key)) out[key] = ids.get(value) ?? value;
    else if (Array.isArray(value) && ID_LIST_ATTRIBUTES.has(key))
      out[key] = value.map((v) => (typeof v === 'string' ? (ids.get(v) ?? v) : v));
    else out[key] = value;
  }
  if (item.sk === 'DECISION' && typeof item.id === 'string') {
    out.accountId ??= accountOf(item.id);
    // Marks the copy, also when its id was already the hub's: the hub's stream filters leave
    // migrated INSERTs out (no event for old history; lib/config/event-routes.ts).
    out.migratedFrom = item.id;
    // The hub's index keys carry the account (by-identity, by-account): rebuilt, never copied.
    return withIndexKeys(out, decisionIndexKeys(out as unknown as Parameters<typeof decisionIndexKeys>[0]));
  }
  if (item.entity === 'denied-attempt' && typeof out.decisionId === 'string' && typeof out.at === 'string')
    return withIndexKeys(out, attemptIndexKeys({ decisionId: out.decisionId, at: out.at }));
  if (
    String(item.sk).startsWith('EXEC#') &&
    typeof item.decisionId === 'string' &&
    out.decisionId !== item.decisionId
  )
    out.migratedFrom = item.decisionId;
  return out;
}

/** The item with its index keys replaced by `keys` (none of the old ones kept). */
function withIndexKeys(item: Record<string, unknown>, keys: Record<string, string>): Record<string, unknown> {
  const rest = Object.fromEntries(Object.entries(item).filter(([k]) => !/^gsi\d+(pk|sk)$/.test(k)));
  return { ...rest, ...keys };
}

export interface TableCopy {
  readonly from: string;
  readonly to: string;
}

export interface MigrationOptions {
  /** The account the source deployment served: given to decisions stored without one. */
  readonly accountId: string;
  readonly decisions: TableCopy;
  readonly executions?: TableCopy;
  readonly findings?: TableCopy;
  /** Plan only: read and count, write nothing. */
  readonly dryRun?: boolean;
  readonly progress?: (line: string) => void;
}

export interface TableResult {
  readonly table: string;
  /** Items in the source table, by kind (`decision`, `approval`, `EXEC`, ...). */
  readonly source: Readonly<Record<string, number>>;
  readonly written: number;
  /** Already in the target exactly as this run would write them (an earlier run). */
  readonly alreadyPresent: number;
  /** In the target with other content: left as they are, listed by key. */
  readonly conflicts: readonly string[];
  /** Target items read back after the copy: must equal the source count. */
  readonly verified: number;
}

export interface MigrationResult {
  readonly accountId: string;
  readonly decisionIds: number;
  readonly tables: readonly TableResult[];
  /** True when every source item is in its target with the content this run would write. */
  readonly complete: boolean;
}

async function scanAll(client: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true }))
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  // A table's key-version marker describes that table only: the target keeps (or gets) its own.
  return items.filter((i) => i.pk !== keyVersionMarker('decisions').pk);
}

/** `decision`, `approval`, `attempt`, `claim`, `EXEC`, `FINDING`, ...: the kind of an item, by its sort key. */
function kindOf(item: Record<string, unknown>): string {
  const sk = String(item.sk ?? '');
  const head = sk.split('#')[0] ?? sk;
  return head === 'DECISION' ? 'decision' : head;
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function copyTable(
  client: DynamoDBDocumentClient,
  copy: TableCopy,
  items: readonly Record<string, unknown>[],
  transform: (item: Record<string, unknown>) => Record<string, unknown>,
  dryRun: boolean,
): Promise<TableResult> {
  const source: Record<string, number> = {};
  for (const item of items) source[kindOf(item)] = (source[kindOf(item)] ?? 0) + 1;
  const targets = items.map(transform);
  let written = 0;
  let alreadyPresent = 0;
  const conflicts: string[] = [];
  if (!dryRun)
    await mapLimit(targets, 8, async (item) => {
      try {
        await client.send(
          new PutCommand({ TableName: copy.to, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        written++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await client.send(
          new GetCommand({ TableName: copy.to, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
        );
        if (isDeepStrictEqual(existing.Item, item)) alreadyPresent++;
        else conflicts.push(`${String(item.pk)} ${String(item.sk)}`);
      }
    });
  // Read back every key: the copy is verified by what the target holds, not by what was sent.
  let verified = 0;
  if (!dryRun)
    for (let i = 0; i < targets.length; i += 100) {
      let keys = targets.slice(i, i + 100).map((t) => ({ pk: t.pk, sk: t.sk }));
      while (keys.length > 0) {
        const res = await client.send(
          new BatchGetCommand({ RequestItems: { [copy.to]: { Keys: keys, ConsistentRead: true } } }),
        );
        verified += res.Responses?.[copy.to]?.length ?? 0;
        keys = (res.UnprocessedKeys?.[copy.to]?.Keys ?? []) as typeof keys;
      }
    }
  return { table: copy.to, source, written, alreadyPresent, conflicts, verified };
}

/**
 * Copies a deployment's tables into the hub's, re-keyed by account (see the module comment).
 * @throws ValidationError when the account id is not 12 digits or a source table is its own target.
 */
export async function migrateToHub(
  client: DynamoDBDocumentClient,
  options: MigrationOptions,
): Promise<MigrationResult> {
  if (!AccountId.safeParse(options.accountId).success)
    throw new ValidationError(`--account "${options.accountId}" must be a 12-digit AWS account id`, [
      { path: '--account', message: 'must be a 12-digit AWS account id' },
    ]);
  const copies = [options.decisions, options.executions, options.findings].filter((c): c is TableCopy => !!c);
  for (const c of copies)
    if (c.from === c.to)
      throw new ValidationError(`table ${c.from} is both source and target`, [
        { path: '--to', message: `must differ from the source table ${c.from}` },
      ]);
  const log = options.progress ?? (() => undefined);
  const dryRun = options.dryRun ?? false;

  const decisionItems = await scanAll(client, options.decisions.from);
  const ids = new Map<string, string>();
  const accounts = new Map<string, string>();
  for (const item of decisionItems)
    if (item.sk === 'DECISION' && typeof item.id === 'string') {
      const account = typeof item.accountId === 'string' ? item.accountId : options.accountId;
      accounts.set(item.id, account);
      ids.set(item.id, hubDecisionId(account, item.id));
    }
  log(`${options.decisions.from}: ${decisionItems.length} items, ${ids.size} decisions`);
  const rekey = (item: Record<string, unknown>) => rekeyItem(item, ids, (id) => accounts.get(id));

  const tables: TableResult[] = [];
  tables.push(await copyTable(client, options.decisions, decisionItems, rekey, dryRun));
  if (options.executions) {
    const items = await scanAll(client, options.executions.from);
    log(`${options.executions.from}: ${items.length} items`);
    tables.push(await copyTable(client, options.executions, items, rekey, dryRun));
  }
  if (options.findings) {
    const items = await scanAll(client, options.findings.from);
    log(`${options.findings.from}: ${items.length} items`);
    tables.push(await copyTable(client, options.findings, items, (i) => ({ ...i }), dryRun));
  }
  const complete =
    !dryRun &&
    tables.every(
      (t) => t.conflicts.length === 0 && t.verified === Object.values(t.source).reduce((n, c) => n + c, 0),
    );
  return { accountId: options.accountId, decisionIds: ids.size, tables, complete };
}
