import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../../config/tables.js';
import { Campaign, ReviewItem } from '../../domain/certification.js';
import { Decision } from '../../domain/decision.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { CampaignStatus, CampaignStore } from '../../ports/campaign-store.js';
import { decisionItem } from './decision-store.js';
import { queryAll, stripKeys } from './query.js';

const campaignPk = (id: string) => `CAMPAIGN#${id}`;
const CAMPAIGN_SK = 'CAMPAIGN';
const itemSk = (itemId: string) => `ITEM#${itemId}`;
// TransactWriteItems takes at most 100 actions: 99 item puts and the campaign's own condition or put.
// (Not BatchWriteItem: granting it would also grant deletes of any item, denied attempts included.)
const CHUNK = 99;

function campaignItem(c: Campaign): Record<string, unknown> {
  return {
    pk: campaignPk(c.id),
    sk: CAMPAIGN_SK,
    entity: 'campaign',
    gsi1pk: `CAMPAIGN#${c.status}`,
    gsi1sk: `${c.dueAt}#${c.id}`,
    ...c,
  };
}

function reviewItem(item: ReviewItem, campaignCreatedAt: string): Record<string, unknown> {
  return {
    pk: campaignPk(item.campaignId),
    sk: itemSk(item.itemId),
    entity: 'review-item',
    gsi3pk: `IDENTITY#${item.identityKey}`,
    gsi3sk: `${campaignCreatedAt}#${item.campaignId}`,
    campaignCreatedAt,
    ...item,
  };
}

function toItem(raw: Record<string, unknown>): ReviewItem {
  const { campaignCreatedAt: _c, ...rest } = stripKeys(raw);
  return ReviewItem.parse(rest);
}

/** CampaignStore on the decisions table: `CAMPAIGN#<id>` partitions with the campaign and its items. */
export class DynamoCampaignStore implements CampaignStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the items in transactions of up to 99, each conditioned on the campaign not existing yet, so
   * no item of an existing campaign is ever overwritten; the last transaction also puts the campaign
   * (a campaign of up to 99 items is written atomically). Items left by a failed attempt are invisible
   * (no campaign lists them) and a retry with the same id rewrites them.
   */
  async create(campaign: Campaign, items: readonly ReviewItem[]): Promise<void> {
    const parsed = Campaign.parse(campaign);
    const puts = items.map((item) => ({
      Put: { TableName: this.tableName, Item: reviewItem(ReviewItem.parse(item), parsed.createdAt) },
    }));
    const notYet = { ConditionExpression: 'attribute_not_exists(pk)' };
    let offset = 0;
    do {
      const chunk = puts.slice(offset, offset + CHUNK);
      offset += CHUNK;
      const last = offset >= puts.length;
      // Items first: the campaign becomes visible (and listable) only with or after all its items.
      const campaignAction = last
        ? { Put: { TableName: this.tableName, Item: campaignItem(parsed), ...notYet } }
        : {
            ConditionCheck: {
              TableName: this.tableName,
              Key: { pk: campaignPk(parsed.id), sk: CAMPAIGN_SK },
              ...notYet,
            },
          };
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: [...chunk, campaignAction] }));
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reason = error.CancellationReasons?.[chunk.length];
          if (reason?.Code === 'ConditionalCheckFailed')
            throw new ConflictError(`campaign ${parsed.id} already exists`, { cause: error });
          throw new ConflictError(`could not store campaign ${parsed.id} (concurrent change); try again`, {
            cause: error,
          });
        }
        throw error;
      }
    } while (offset < puts.length);
  }

  async get(id: string, options: { consistent?: boolean } = {}): Promise<Campaign | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: campaignPk(id), sk: CAMPAIGN_SK },
        ConsistentRead: options.consistent ?? false,
      }),
    );
    return result.Item ? Campaign.parse(stripKeys(result.Item)) : undefined;
  }

  async getItem(
    campaignId: string,
    itemId: string,
    options: { consistent?: boolean } = {},
  ): Promise<ReviewItem | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: campaignPk(campaignId), sk: itemSk(itemId) },
        ConsistentRead: options.consistent ?? false,
      }),
    );
    return result.Item ? toItem(result.Item) : undefined;
  }

  async listItems(campaignId: string): Promise<ReviewItem[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':prefix': 'ITEM#' },
      ConsistentRead: true,
    });
    return items.map(toItem);
  }

  async listByStatus(status: CampaignStatus): Promise<Campaign[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.decisionsByStatus,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CAMPAIGN#${status}` },
    });
    return items.map((i) => Campaign.parse(stripKeys(i)));
  }

  async recordReview(
    reviewed: ReviewItem,
    expectedItemVersion: number,
    options: { revokeDecisions?: readonly Decision[] } = {},
  ): Promise<Campaign> {
    const item = ReviewItem.parse(reviewed);
    const campaign = await this.get(item.campaignId, { consistent: true });
    if (!campaign) throw new NotFoundError(`campaign ${item.campaignId} does not exist`);
    const transact: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: this.tableName,
          Item: reviewItem(item, campaign.createdAt),
          ConditionExpression: 'attribute_exists(pk) AND version = :expected',
          ExpressionAttributeValues: { ':expected': expectedItemVersion },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: campaignPk(campaign.id), sk: CAMPAIGN_SK },
          // Counted atomically, so reviewers of different items of one campaign never conflict.
          UpdateExpression: 'SET completedCount = completedCount + :one, version = version + :one',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':open': 'open' },
        },
      },
    ];
    for (const revokeDecision of options.revokeDecisions ?? []) {
      transact.push({
        Put: {
          TableName: this.tableName,
          Item: decisionItem(Decision.parse(revokeDecision)),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: transact }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const [itemReason, campaignReason] = error.CancellationReasons ?? [];
        if (itemReason?.Code === 'ConditionalCheckFailed')
          throw new ConflictError(
            `item ${item.itemId} of campaign ${campaign.id} was changed by someone else; read it again`,
            { cause: error },
          );
        if (campaignReason?.Code === 'ConditionalCheckFailed')
          throw new ConflictError(`campaign ${campaign.id} is closed`, { cause: error });
        throw new ConflictError(`campaign ${campaign.id} was being changed concurrently; try again`, {
          cause: error,
        });
      }
      throw error;
    }
    const after = (await this.get(campaign.id, { consistent: true })) as Campaign;
    if (after.status === 'open' && after.completedCount >= after.itemCount) return this.close(after);
    return after;
  }

  private async close(campaign: Campaign): Promise<Campaign> {
    const closed: Campaign = { ...campaign, status: 'closed', version: campaign.version + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: campaignItem(closed),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': campaign.version },
        }),
      );
      return closed;
    } catch (error) {
      // Someone else closed it (or counted) first; what is stored now is the answer.
      if (error instanceof ConditionalCheckFailedException)
        return (await this.get(campaign.id, { consistent: true })) as Campaign;
      throw error;
    }
  }
}
