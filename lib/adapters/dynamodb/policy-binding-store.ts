import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError } from '../../domain/errors.js';
import { IsoTimestamp } from '../../domain/primitives.js';
import { queryAll, stripKeys } from './query.js';

const PK = 'POLICY#local';
const CURRENT = 'CURRENT';

/** The policy a local store is bound to, and who set it when. */
export const PolicyBinding = z.strictObject({
  /** `sha256:<hex>` of the policy's canonical form. */
  version: z.string().min(1),
  /** The parsed policy document as JSON: the rules themselves, so editing the file changes nothing. */
  document: z.string().min(1),
  /** The file it was read from, for people. */
  source: z.string(),
  setBy: z.string().min(1),
  setAt: IsoTimestamp,
  previousVersion: z.string().optional(),
  /** Optimistic lock: every change adds one. */
  revision: z.number().int().positive(),
});
export type PolicyBinding = z.infer<typeof PolicyBinding>;

/**
 * Where a local store keeps the policy it is bound to: one `CURRENT` item and one append-only
 * `SET#<revision>` record per change, in the decisions table (local mode only).
 */
export class DynamoPolicyBindingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(): Promise<PolicyBinding | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: CURRENT }, ConsistentRead: true }),
    );
    return result.Item ? PolicyBinding.parse(stripKeys(result.Item)) : undefined;
  }

  /** Every change of the binding, oldest first. */
  async history(): Promise<PolicyBinding[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :set)',
      ExpressionAttributeValues: { ':pk': PK, ':set': 'SET#' },
      ConsistentRead: true,
    });
    return items.map((i) => PolicyBinding.parse(stripKeys(i)));
  }

  /**
   * Writes the new binding and its record in one transaction, only if the current binding is still
   * the one read (`revision - 1`; none for revision 1).
   * @throws ConflictError when someone changed the binding first; nothing is written.
   */
  async set(binding: PolicyBinding): Promise<void> {
    const parsed = PolicyBinding.parse(binding);
    const item = { ...parsed, entity: 'policy-binding' };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: PK, sk: CURRENT, ...item },
                ...(parsed.revision === 1
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : {
                      ConditionExpression: 'revision = :previous',
                      ExpressionAttributeValues: { ':previous': parsed.revision - 1 },
                    }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: PK, sk: `SET#${String(parsed.revision).padStart(6, '0')}`, ...item },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
        throw new ConflictError('the local policy binding was changed concurrently; try again', {
          cause: error,
        });
      throw error;
    }
  }
}
