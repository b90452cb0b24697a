import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCAN_LOG_PARTITION } from '../../config/organization.js';
import { ScanRecord } from '../../domain/scanning/scan-time.js';
import type { ScanLog } from '../../ports/scan-log.js';
import { queryAll, stripKeys } from './query.js';

/** One partition holds the newest scan of every account: one item per account, one query for all. */
const LATEST_PK = SCAN_LOG_PARTITION;
const latestKey = (accountId: string) => ({ pk: LATEST_PK, sk: `ACCOUNT#${accountId}` });
/** Each account's scan history, sorted by as-of, then by when it ran. */
const historyKey = (r: ScanRecord) => ({ pk: `SCAN#${r.accountId}`, sk: `ASOF#${r.asOf}#${r.ranAt}` });

const toRecord = (item: Record<string, unknown>) => ScanRecord.parse(stripKeys(item));

/**
 * The scan log in the findings table (the scanners' own table; the scan function needs no new
 * permission: Query and PutItem). Recording is a conditional put on the account's latest item, so
 * of two scans racing, one dated earlier can never overwrite the newer one.
 */
export class DynamoScanLog implements ScanLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async latestScan(accountId: string): Promise<ScanRecord | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': LATEST_PK, ':sk': latestKey(accountId).sk },
      ConsistentRead: true,
    });
    return items[0] ? toRecord(items[0]) : undefined;
  }

  async listLatestScans(): Promise<ScanRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': LATEST_PK, ':prefix': 'ACCOUNT#' },
      ConsistentRead: true,
    });
    return items.map(toRecord);
  }

  async recordScan(record: ScanRecord): Promise<boolean> {
    const valid = ScanRecord.parse(record);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...latestKey(valid.accountId), entity: 'scan', ...valid },
          ConditionExpression: 'attribute_not_exists(pk) OR asOf <= :asOf',
          ExpressionAttributeValues: { ':asOf': valid.asOf },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...historyKey(valid), entity: 'scan', ...valid } }),
    );
    return true;
  }

  async listScans(accountId: string, from: string, to: string): Promise<ScanRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': `SCAN#${accountId}`,
        ':from': `ASOF#${from}`,
        // `~` sorts after every character of a timestamp, so scans at `to` itself are included.
        ':to': `ASOF#${to}~`,
      },
    });
    return items.map(toRecord);
  }
}
