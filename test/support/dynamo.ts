import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { documentClient, localDynamoClient } from '../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../lib/adapters/dynamodb/create-tables.js';
import { localTableNames, type TableNames } from '../../lib/config/tables.js';

export interface TestTables {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly names: TableNames;
  readonly endpoint: string;
}

/**
 * Fresh tables on the run's DynamoDB Local, built from the shared definitions, under a unique prefix
 * so test files running in parallel never see each other's data.
 */
export async function createTestTables(): Promise<TestTables> {
  const endpoint = inject('dynamoEndpoint');
  const client = localDynamoClient(endpoint);
  const names = localTableNames(`t-${randomUUID().slice(0, 8)}`);
  await ensureTables(client, names);
  return { client, doc: documentClient(client), names, endpoint };
}
