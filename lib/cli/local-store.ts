import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, localDynamoClient } from '../adapters/dynamodb/client.js';
import { ensureTables } from '../adapters/dynamodb/create-tables.js';
import { upgradeDecisionKeys } from '../adapters/dynamodb/decision-key-upgrade.js';
import { DECISION_KEYS_VERSION, DynamoDecisionStore } from '../adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore, FINDING_KEYS_VERSION } from '../adapters/dynamodb/finding-store.js';
import { upgradeKeysOnce } from '../adapters/dynamodb/key-upgrade.js';
import { acquireLocalStore } from '../adapters/dynamodb/shared-local-store.js';
import { localTableNames, type TableNames } from '../config/tables.js';
import { type CliIo, UsageError } from './io.js';

/** Environment variables of local mode (documented in docs/cli.md). */
export const LOCAL_ENV = {
  /** Where local mode keeps its data; default `<cwd>/.nhi-gov`. */
  home: 'NHI_GOV_HOME',
  /** Use an already running DynamoDB Local at this endpoint instead of starting one (tests, long sessions). */
  endpoint: 'NHI_GOV_DYNAMODB_ENDPOINT',
  /** Table name prefix in local mode; default `nhi-gov`. */
  tablePrefix: 'NHI_GOV_TABLE_PREFIX',
  /**
   * Seconds the embedded store keeps running after the last command, so the next one skips the JVM
   * start. Default 900 on an interactive terminal; 0 (stop with the last command) when `CI` is set
   * or stdin is not a terminal, so scripts, CI and tests never leave a Java process behind.
   */
  storeIdleSeconds: 'NHI_GOV_STORE_IDLE_SECONDS',
} as const;

/** Default seconds the store outlives the last command on an interactive terminal. */
export const DEFAULT_STORE_IDLE_SECONDS = 900;

/**
 * How long the store outlives the last command (see LOCAL_ENV.storeIdleSeconds).
 * @throws UsageError when NHI_GOV_STORE_IDLE_SECONDS is not a whole number of seconds.
 */
export function storeIdleSeconds(io: CliIo): number {
  const given = io.env[LOCAL_ENV.storeIdleSeconds];
  if (given !== undefined && given !== '') {
    if (!/^\d{1,7}$/.test(given)) {
      throw new UsageError(
        `${LOCAL_ENV.storeIdleSeconds}=${given} is not a whole number of seconds (0 stops the store with the last command)`,
      );
    }
    return Number(given);
  }
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false';
  return ci || !io.stdinIsTTY ? 0 : DEFAULT_STORE_IDLE_SECONDS;
}

export interface Stores {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly names: TableNames;
  readonly decisions: DynamoDecisionStore;
  readonly executions: DynamoExecutionTrail;
  readonly findings: DynamoFindingStore;
}

/** Builds the repositories over one document client and a set of table names. */
export function storesFor(client: DynamoDBClient, names: TableNames): Stores {
  const doc = documentClient(client);
  return {
    client,
    doc,
    names,
    decisions: new DynamoDecisionStore(doc, names.decisions),
    executions: new DynamoExecutionTrail(doc, names.executions),
    findings: new DynamoFindingStore(doc, names.findings),
  };
}

/** The directory local mode keeps its database in. */
export function localHome(io: CliIo): string {
  return io.env[LOCAL_ENV.home] ?? join(io.cwd, '.nhi-gov');
}

/**
 * Runs `fn` against the embedded store: joins the DynamoDB Local already running for this home, or
 * starts it with its data under `.nhi-gov/data` (or connects to NHI_GOV_DYNAMODB_ENDPOINT), creates
 * the tables if needed, and leaves the store when done, also when `fn` throws. The store stops when the
 * last command leaves it, or after NHI_GOV_STORE_IDLE_SECONDS (lib/adapters/dynamodb/shared-local-store.ts).
 */
/**
 * A store written by an older version gets the findings' current index keys (#16.5), once: the marker
 * item in the findings table records it (key-upgrade.ts), as on a deployed stack, so a store named by
 * NHI_GOV_DYNAMODB_ENDPOINT and the embedded one cost one GetItem per command once upgraded.
 */
async function upgradeFindingKeys(stores: Stores): Promise<void> {
  await upgradeKeysOnce(stores.doc, {
    tableName: stores.names.findings,
    tableId: 'findings',
    version: FINDING_KEYS_VERSION,
    pass: (options) => stores.findings.upgradeKeys(options),
  });
}

/** The same for the decisions' index keys (#15: the account in by-identity, the by-account index). */
async function upgradeStoredDecisionKeys(stores: Stores): Promise<void> {
  await upgradeKeysOnce(stores.doc, {
    tableName: stores.names.decisions,
    tableId: 'decisions',
    version: DECISION_KEYS_VERSION,
    pass: (options) => upgradeDecisionKeys(stores.doc, stores.names.decisions, options),
  });
}

/**
 * Stores named by NHI_GOV_DYNAMODB_ENDPOINT whose tables this process has already created (or found) and
 * whose finding and decision keys it has already upgraded: a long-lived process (the tests, `nhi-gov run`) runs many
 * commands on one such store and pays that check once, not per command. A process of its own per command
 * (the usual command line) is unaffected. The embedded store is never remembered: a new one may come up
 * on the same port with other data.
 */
const preparedEndpointStores = new Set<string>();

/** Forgets the prepared stores: after their tables were deleted (`nhi-gov demo --fresh`). */
export function forgetPreparedStores(): void {
  preparedEndpointStores.clear();
}

export async function withLocalStores<T>(io: CliIo, fn: (stores: Stores) => Promise<T>): Promise<T> {
  const names = localTableNames(io.env[LOCAL_ENV.tablePrefix] ?? 'nhi-gov');
  const endpoint = io.env[LOCAL_ENV.endpoint];
  const lease = endpoint
    ? undefined
    : await acquireLocalStore({ home: localHome(io), idleSeconds: storeIdleSeconds(io) });
  const onSignal = () => {
    void (lease?.release() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const client = localDynamoClient(endpoint ?? (lease?.endpoint as string));
  try {
    const stores = storesFor(client, names);
    const prepared = endpoint ? `${endpoint}\n${JSON.stringify(names)}` : undefined;
    if (prepared === undefined || !preparedEndpointStores.has(prepared)) {
      await ensureTables(client, names);
      await upgradeFindingKeys(stores);
      await upgradeStoredDecisionKeys(stores);
      if (prepared !== undefined) preparedEndpointStores.add(prepared);
    }
    return await fn(stores);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    client.destroy();
    await lease?.release();
  }
}
