import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  accountAttemptSortKey,
  accountDecisionSortKey,
  accountPartition,
  decisionPartition,
  identityPartition,
} from '../../config/decision-keys.js';
import { INDEX } from '../../config/tables.js';
import { type Approval, Decision, type DecisionStatus, DeniedAttempt } from '../../domain/decision.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../domain/errors.js';
import { withNamedOwner } from '../../domain/governance/owners.js';
import { accountOfDecisionId } from '../../domain/governance/policy-scope.js';
import { isPrincipalArn, principalKey } from '../../domain/principal.js';
import type { ApprovalRecord } from '../../ports/decision-store.js';
import type { GovernanceStore, RelatedUpdate } from '../../ports/governance-store.js';
import { queryAll, stripKeys } from './query.js';

const DECISION_SK = 'DECISION';

/**
 * The key an approval is stored under: the principal's comparison key (canonical, name lower-cased),
 * so the table itself refuses a second approval by the same principal in another spelling.
 */
function approverKey(approver: string): string {
  return isPrincipalArn(approver) ? principalKey(approver) : approver;
}
const decisionPk = decisionPartition;

/**
 * The version of the decisions' index keys; `upgradeDecisionKeys` (decision-key-upgrade.ts) brings
 * older items up to it. 2: the
 * account in the by-identity partition and the by-account index (#15).
 */
export const DECISION_KEYS_VERSION = 2;

export type DecisionKeyFields = Pick<Decision, 'id' | 'status' | 'createdAt' | 'identityKey'> & {
  readonly expiresAt?: string;
  readonly accountId?: string;
};

/** The index keys of a decision item (docs/data-model.md); those not listed are absent. */
export function decisionIndexKeys(decision: DecisionKeyFields): Record<string, string> {
  return {
    gsi1pk: `DECISION#${decision.status}`,
    gsi1sk: `${decision.createdAt}#${decision.id}`,
    ...(decision.expiresAt
      ? { gsi2pk: `EXPIRES#${decision.status}`, gsi2sk: `${decision.expiresAt}#${decision.id}` }
      : {}),
    gsi3pk: identityPartition(decision.identityKey, decision.accountId),
    gsi3sk: `${decision.createdAt}#${decision.id}`,
    ...(decision.accountId
      ? {
          gsi5pk: accountPartition(decision.accountId),
          gsi5sk: accountDecisionSortKey(decision.status, decision.createdAt, decision.id),
        }
      : {}),
  };
}

/** The index keys of a refused attempt: by-status (`ATTEMPT#denied`), and by-account when its decision id names one. */
export function attemptIndexKeys(attempt: Pick<DeniedAttempt, 'at' | 'decisionId'>): Record<string, string> {
  const account = accountOfDecisionId(attempt.decisionId);
  return {
    gsi1pk: 'ATTEMPT#denied',
    gsi1sk: `${attempt.at}#${attempt.decisionId}`,
    ...(account
      ? { gsi5pk: accountPartition(account), gsi5sk: accountAttemptSortKey(attempt.at, attempt.decisionId) }
      : {}),
  };
}

/** The stored item: the decision plus its key and index attributes. */
export function decisionItem(decision: Decision): Record<string, unknown> {
  return {
    pk: decisionPk(decision.id),
    sk: DECISION_SK,
    entity: 'decision',
    ...decisionIndexKeys(decision),
    ...decision,
  };
}

/**
 * How a store reads the table's indexes. `all` (governance, single-account executors, local mode):
 * the org-wide partitions, and for one identity both the account's partition and the account-less
 * one. `{ account }` (a member's executors and scanner on the hub table, organization mode): only the
 * partitions of that account, the ones `memberReadableKeyPatterns` lets it read; anything else is
 * refused here before IAM would refuse it.
 */
export type DecisionReadScope = 'all' | { readonly account: string };

function toDecision(item: Record<string, unknown>): Decision {
  return withNamedOwner(Decision.parse(stripKeys(item)));
}

/**
 * DecisionStore (and GovernanceStore) on DynamoDB: conditional writes on `version`, approvals and a
 * related decision in the same transaction.
 */
export class DynamoDecisionStore implements GovernanceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly scope: DecisionReadScope = 'all',
  ) {}

  /** The account this store's reads are limited to, if any. */
  get readAccount(): string | undefined {
    return this.scope === 'all' ? undefined : this.scope.account;
  }

  async create(decision: Decision): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: decisionItem(Decision.parse(decision)),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`decision ${decision.id} already exists`, { cause: error });
      }
      throw error;
    }
  }

  async get(id: string, options: { consistent?: boolean } = {}): Promise<Decision | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: decisionPk(id), sk: DECISION_SK },
        ConsistentRead: options.consistent ?? false,
      }),
    );
    return result.Item ? toDecision(result.Item) : undefined;
  }

  async update(
    next: Decision,
    expectedVersion: number,
    options: { approval?: Approval; related?: RelatedUpdate } = {},
  ): Promise<void> {
    const put = this.conditionalPut(next, expectedVersion);
    const { approval, related } = options;
    try {
      if (!approval && !related) {
        await this.client.send(new PutCommand(put));
        return;
      }
      const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [{ Put: put }];
      if (approval) {
        items.push({
          Put: {
            TableName: this.tableName,
            Item: {
              pk: decisionPk(next.id),
              sk: `APPROVAL#${approverKey(approval.approver)}`,
              entity: 'approval',
              gsi4pk: `APPROVER#${approverKey(approval.approver)}`,
              gsi4sk: `${approval.at}#${next.id}`,
              decisionId: next.id,
              kind: next.kind,
              identityKey: next.identityKey,
              ...approval,
            },
            // The same principal counts once towards a quorum, enforced by the table itself.
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      if (related) items.push({ Put: this.conditionalPut(related.next, related.expectedVersion) });
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw await this.conflict(next.id, expectedVersion, error);
      }
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed')
          throw await this.conflict(next.id, expectedVersion, error);
        if (approval && reasons[1]?.Code === 'ConditionalCheckFailed') {
          throw new ConflictError(`${approval.approver} has already approved decision ${next.id}`, {
            cause: error,
          });
        }
        if (related && reasons[approval ? 2 : 1]?.Code === 'ConditionalCheckFailed')
          throw await this.conflict(related.next.id, related.expectedVersion, error);
        throw new ConflictError(`decision ${next.id} was being changed concurrently; try again`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private conditionalPut(next: Decision, expectedVersion: number) {
    return {
      TableName: this.tableName,
      Item: decisionItem(Decision.parse(next)),
      ConditionExpression: 'attribute_exists(pk) AND version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    };
  }

  async createWithClaim(decision: Decision, claimOn: string, purpose: string): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: decisionItem(Decision.parse(decision)),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: decisionPk(claimOn),
                  sk: `CLAIM#${purpose}`,
                  entity: 'claim',
                  claimOn,
                  purpose,
                  holder: decision.id,
                  at: decision.createdAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const holder = await this.claimHolder(claimOn, purpose);
        throw new ConflictError(
          holder
            ? `decision ${holder} already holds the ${purpose} claim on ${claimOn}`
            : `decision ${decision.id} already exists`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async claimHolder(claimOn: string, purpose: string): Promise<string | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: decisionPk(claimOn), sk: `CLAIM#${purpose}` },
        ConsistentRead: true,
      }),
    );
    const holder = result.Item?.holder;
    return typeof holder === 'string' ? holder : undefined;
  }

  async clearTaskToken(decisionId: string, token: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: decisionPk(decisionId), sk: DECISION_SK },
          // The version stays: answering a workflow is not a change of the decision.
          UpdateExpression: 'REMOVE taskToken',
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeValues: { ':token': token },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async conflict(id: string, expectedVersion: number, cause: unknown): Promise<Error> {
    const current = await this.get(id, { consistent: true });
    if (!current) return new NotFoundError(`decision ${id} does not exist`, { cause });
    return new ConflictError(
      `decision ${id} was changed by someone else (it is now version ${current.version}, ${current.status}; this change was based on version ${expectedVersion})`,
      { cause },
    );
  }

  async recordDeniedAttempt(attempt: DeniedAttempt): Promise<void> {
    const parsed = DeniedAttempt.parse(attempt);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: decisionPk(parsed.decisionId),
          sk: `ATTEMPT#${parsed.at}#${randomBytes(4).toString('hex')}`,
          entity: 'denied-attempt',
          ...attemptIndexKeys(parsed),
          ...parsed,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listDeniedAttempts(decisionId: string): Promise<DeniedAttempt[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': decisionPk(decisionId), ':prefix': 'ATTEMPT#' },
    });
    return items.map((i) => DeniedAttempt.parse(stripKeys(i)));
  }

  async listDeniedAttemptsSince(since: string): Promise<DeniedAttempt[]> {
    const account = this.readAccount;
    const items = await queryAll(
      this.client,
      account
        ? {
            TableName: this.tableName,
            IndexName: INDEX.decisionsByAccount,
            KeyConditionExpression: 'gsi5pk = :pk AND gsi5sk BETWEEN :since AND :end',
            ExpressionAttributeValues: {
              ':pk': accountPartition(account),
              ':since': accountAttemptSortKey(since, ''),
              ':end': 'ATTEMPT#~',
            },
          }
        : {
            TableName: this.tableName,
            IndexName: INDEX.decisionsByStatus,
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
            ExpressionAttributeValues: { ':pk': 'ATTEMPT#denied', ':since': since },
          },
    );
    return items.map((i) => DeniedAttempt.parse(stripKeys(i)));
  }

  async listByStatus(status: DecisionStatus): Promise<Decision[]> {
    const account = this.readAccount;
    const items = await queryAll(
      this.client,
      account
        ? {
            TableName: this.tableName,
            IndexName: INDEX.decisionsByAccount,
            KeyConditionExpression: 'gsi5pk = :pk AND begins_with(gsi5sk, :prefix)',
            ExpressionAttributeValues: {
              ':pk': accountPartition(account),
              ':prefix': `DECISION#${status}#`,
            },
          }
        : {
            TableName: this.tableName,
            IndexName: INDEX.decisionsByStatus,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `DECISION#${status}` },
          },
    );
    return items.map(toDecision);
  }

  async listExpiringBefore(status: DecisionStatus, before: string): Promise<Decision[]> {
    if (this.readAccount) {
      // A member's by-account partition is small (one account's decisions): filtered here.
      const bound = `${before}~`;
      return (await this.listByStatus(status))
        .filter((d) => d.expiresAt !== undefined && `${d.expiresAt}#${d.id}` <= bound)
        .sort((a, b) => `${a.expiresAt}#${a.id}`.localeCompare(`${b.expiresAt}#${b.id}`));
    }
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.decisionsByExpiry,
      // `~` sorts after the `#<id>` suffix, so a decision expiring exactly at `before` is included.
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :before',
      ExpressionAttributeValues: { ':pk': `EXPIRES#${status}`, ':before': `${before}~` },
    });
    return items.map(toDecision);
  }

  /**
   * Decisions about one identity of `accountId`, oldest first. With the account: its own partition,
   * and (reading `all`) the account-less one, where decisions without an account and those stored
   * before the account was in the key (DECISION_KEYS_VERSION 1) are; a decision of another account is
   * never returned. Without an account: the account-less partition only.
   * @throws ForbiddenError when the store reads one account and `accountId` names another.
   */
  async listByIdentity(identityKey: string, accountId?: string): Promise<Decision[]> {
    const own = this.readAccount;
    if (own && accountId !== undefined && accountId !== own)
      throw new ForbiddenError(`this store reads the decisions of account ${own} only, not of ${accountId}`);
    const account = own ?? accountId;
    const query = async (pk: string) =>
      queryAll(this.client, {
        TableName: this.tableName,
        IndexName: INDEX.decisionsByIdentity,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      });
    const partitions = [
      ...(account ? [identityPartition(identityKey, account)] : []),
      ...(own ? [] : [identityPartition(identityKey)]),
    ];
    const byId = new Map<string, Decision>();
    for (const item of (await Promise.all(partitions.map(query))).flat()) {
      // Certification review items share this index (docs/data-model.md); only decisions are returned.
      if (item.entity !== 'decision') continue;
      const decision = toDecision(item);
      // The account-less partition also holds decisions stored before #15, of any account.
      if (decision.accountId === undefined || decision.accountId === account) byId.set(decision.id, decision);
    }
    return [...byId.values()].sort((a, b) =>
      `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`),
    );
  }

  async listApprovalsBy(approver: string): Promise<ApprovalRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: INDEX.decisionsByApprover,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': `APPROVER#${approverKey(approver)}` },
    });
    return items.map((i) => {
      const rest = stripKeys(i);
      return {
        decisionId: String(rest.decisionId),
        kind: rest.kind as ApprovalRecord['kind'],
        identityKey: String(rest.identityKey),
        approver: String(rest.approver),
        at: String(rest.at),
        basis: String(rest.basis),
      };
    });
  }
}
