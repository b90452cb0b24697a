import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../../config/tables.js';
import { ConflictError } from '../../domain/errors.js';
import { ExecutionRecord } from '../../domain/execution.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import { pad, queryAll, stripKeys } from './query.js';

/** Sort key of one record: (version, step) in order, so a decision's trail reads as it happened. */
export function executionSortKey(record: Pick<ExecutionRecord, 'decisionVersion' | 'step'>): string {
  return `EXEC#v${pad(record.decisionVersion, 6)}#s${pad(record.step, 4)}`;
}

/**
 * The append-only execution trail on DynamoDB. The only write is a PutItem conditioned on the key not
 * existing: this class has no update and no delete, and the deployed executor roles have no
 * UpdateItem or DeleteItem permission on the table.
 */
export class DynamoExecutionTrail implements ExecutionTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(record: ExecutionRecord): Promise<void> {
    const parsed = ExecutionRecord.parse(record);
    const order = `${parsed.finishedAt}#${parsed.decisionId}#${pad(parsed.decisionVersion, 6)}#${pad(parsed.step, 4)}`;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `DECISION#${parsed.decisionId}`,
            sk: executionSortKey(parsed),
            entity: 'execution',
            gsi1pk: `IDENTITY#${parsed.identityKey}`,
            gsi1sk: order,
            gsi2pk: `DAY#${parsed.finishedAt.slice(0, 10)}`,
            gsi2sk: order,
            ...parsed,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          `execution record for decision ${parsed.decisionId} version ${parsed.decisionVersion} step ${parsed.step} already exists; the trail is append-only`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async listForDecision(decisionId: string): Promise<ExecutionRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `DECISION#${decisionId}`, ':prefix': 'EXEC#' },
      ConsistentRead: true,
    });
    return items.map((i) => ExecutionRecord.parse(stripKeys(i)));
  }

  async listForIdentity(identityKey: string): Promise<ExecutionRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.executionsByIdentity,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `IDENTITY#${identityKey}` },
    });
    return items.map((i) => ExecutionRecord.parse(stripKeys(i)));
  }

  async listForDay(day: string): Promise<ExecutionRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.executionsByDay,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `DAY#${day}` },
    });
    return items.map((i) => ExecutionRecord.parse(stripKeys(i)));
  }
}
