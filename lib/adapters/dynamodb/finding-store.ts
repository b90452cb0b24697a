import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../../config/tables.js';
import { Finding, type FindingStatus, type FindingType } from '../../domain/finding.js';
import type { FindingStore } from '../../ports/finding-store.js';
import { queryAll, stripKeys } from './query.js';

const findingKey = (id: string) => ({ pk: `FINDING#${id}`, sk: 'FINDING' });

/** The stored item: the finding plus key and index attributes that follow its status and owner. */
export function findingItem(finding: Finding): Record<string, unknown> {
  return {
    ...findingKey(finding.id),
    entity: 'finding',
    gsi1pk: `STATUS#${finding.status}`,
    gsi1sk: `${finding.type}#${finding.firstSeen}#${finding.id}`,
    ...(finding.owner
      ? { gsi2pk: `OWNER#${finding.owner}`, gsi2sk: `${finding.status}#${finding.type}#${finding.id}` }
      : {}),
    gsi3pk: `IDENTITY#${finding.identityKey}`,
    gsi3sk: `${finding.type}#${finding.id}`,
    ...finding,
  };
}

const toFinding = (item: Record<string, unknown>) => Finding.parse(stripKeys(item));

export class DynamoFindingStore implements FindingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(finding: Finding): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: findingItem(Finding.parse(finding)) }),
    );
  }

  async get(id: string): Promise<Finding | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: findingKey(id), ConsistentRead: true }),
    );
    return result.Item ? toFinding(result.Item) : undefined;
  }

  async listByStatus(status: FindingStatus, type?: FindingType): Promise<Finding[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.findingsByStatus,
      KeyConditionExpression: type ? 'gsi1pk = :pk AND begins_with(gsi1sk, :type)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `STATUS#${status}`, ...(type ? { ':type': `${type}#` } : {}) },
    });
    return items.map(toFinding);
  }

  async listByOwner(owner: string, status?: FindingStatus): Promise<Finding[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.findingsByOwner,
      KeyConditionExpression: status ? 'gsi2pk = :pk AND begins_with(gsi2sk, :status)' : 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `OWNER#${owner}`, ...(status ? { ':status': `${status}#` } : {}) },
    });
    return items.map(toFinding);
  }

  async listByIdentity(identityKey: string): Promise<Finding[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.findingsByIdentity,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': `IDENTITY#${identityKey}` },
    });
    return items.map(toFinding);
  }
}
