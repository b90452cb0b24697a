import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, localDynamoClient } from '../adapters/dynamodb/client.js';
import { ensureTables } from '../adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../adapters/dynamodb/finding-store.js';
import { startLocalDynamo } from '../adapters/dynamodb/local-server.js';
import { localTableNames, type TableNames } from '../config/tables.js';
import type { CliIo } from './io.js';

/** Environment variables of local mode (documented in docs/cli.md). */
export const LOCAL_ENV = {
  /** Where local mode keeps its data; default `<cwd>/.nhi-gov`. */
  home: 'NHI_GOV_HOME',
  /** Use an already running DynamoDB Local at this endpoint instead of starting one (tests, long sessions). */
  endpoint: 'NHI_GOV_DYNAMODB_ENDPOINT',
  /** Table name prefix in local mode; default `nhi-gov`. */
  tablePrefix: 'NHI_GOV_TABLE_PREFIX',
} as const;

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
 * Runs `fn` against the embedded store: starts DynamoDB Local with its data under `.nhi-gov/data`
 * (or connects to NHI_GOV_DYNAMODB_ENDPOINT), creates the tables if needed, and always stops the Java
 * process it started, also when `fn` throws.
 */
export async function withLocalStores<T>(io: CliIo, fn: (stores: Stores) => Promise<T>): Promise<T> {
  const names = localTableNames(io.env[LOCAL_ENV.tablePrefix] ?? 'nhi-gov');
  const endpoint = io.env[LOCAL_ENV.endpoint];
  const server = endpoint ? undefined : await startLocalDynamo({ dataDir: join(localHome(io), 'data') });
  const onSignal = () => {
    void server?.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const client = localDynamoClient(endpoint ?? (server?.endpoint as string));
  try {
    await ensureTables(client, names);
    return await fn(storesFor(client, names));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    client.destroy();
    await server?.stop();
  }
}
