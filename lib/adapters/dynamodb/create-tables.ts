import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition, type TableNames } from '../../config/tables.js';

/** The CreateTable input for one shared definition (on-demand billing, as the stack deploys it). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (a: { name: string; type: 'S' | 'N' }) =>
    attributes.set(a.name, { AttributeName: a.name, AttributeType: a.type });
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  for (const index of def.indexes) {
    add(index.partitionKey);
    add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()],
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(def.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: def.indexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
}

/**
 * Adds the indexes a table made by an older version lacks (e.g. the findings' by-account index), one
 * at a time as DynamoDB requires, and waits until each is active.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  def: TableDefinition,
  tableName: string,
): Promise<void> {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const have = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const full = createTableInput(def, tableName);
  for (const index of full.GlobalSecondaryIndexes ?? []) {
    if (have.has(index.IndexName)) continue;
    const keys = new Set(index.KeySchema?.map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: full.AttributeDefinitions?.filter((a) => keys.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    for (let i = 0; i < 120; i++) {
      const now = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = now.Table?.GlobalSecondaryIndexes?.find(
        (g) => g.IndexName === index.IndexName,
      )?.IndexStatus;
      if (status === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Creates every table of the suite that does not exist yet and waits until each is active.
 * Safe to call on every start: existing tables are left as they are.
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all(
    TABLES.map(async (def) => {
      const tableName = names[def.id];
      try {
        await client.send(new CreateTableCommand(createTableInput(def, tableName)));
        if (def.timeToLiveAttribute) {
          await client.send(
            new UpdateTimeToLiveCommand({
              TableName: tableName,
              TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
            }),
          );
        }
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        await waitUntilTableExists(
          { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
          { TableName: tableName },
        );
        await addMissingIndexes(client, def, tableName);
      }
      await waitUntilTableExists(
        { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
        { TableName: tableName },
      );
    }),
  );
}
