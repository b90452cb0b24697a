import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableId } from '../../config/tables.js';

/** What one re-keying pass over a table did: how many items it rewrote, and whether it read them all. */
export interface KeyUpgradeResult {
  readonly updated: number;
  /** False when it stopped because `until` said so; the next pass continues (it skips current items). */
  readonly complete: boolean;
}

/** A re-keying pass over one table (e.g. `DynamoFindingStore.upgradeKeys`), stoppable between pages. */
export type KeyUpgradePass = (options: { until?: () => boolean }) => Promise<KeyUpgradeResult>;

/** What `upgradeKeysOnce` found and did. */
export interface KeyUpgradeOutcome extends KeyUpgradeResult {
  /** `current`: the marker said the keys are current and nothing ran; `ran`: a pass ran. */
  readonly state: 'current' | 'ran';
}

/**
 * The marker item of a table's key version: in the table itself, with no index attributes, so it sits
 * in no index and no report or query ever reads it except `upgradeKeysOnce`.
 */
export const keyVersionMarker = (table: TableId) => ({ pk: 'META#KEYS', sk: table }) as const;

export interface KeyUpgradeOptions {
  readonly tableName: string;
  readonly tableId: TableId;
  /** The key version the running code writes; the marker records the newest one fully applied. */
  readonly version: number;
  readonly pass: KeyUpgradePass;
  /** Checked between pages: true stops the pass (its work is kept; the next run continues). */
  readonly until?: () => boolean;
  readonly now?: () => Date;
}

/**
 * Brings a table's index keys up to the running code's version once, without a manual step: one
 * strongly consistent GetItem of the marker when it is current; otherwise a re-keying pass, then the
 * marker. Safe to run from several invocations at once (each item is rewritten on condition that its
 * keys are still the ones read, and the marker only moves forward), and resumable: a pass stopped by
 * `until` leaves the marker unset, and the next run skips what is already current. Run by the function
 * that already writes the table (the scan for findings), so no new role writes it.
 */
export async function upgradeKeysOnce(
  doc: DynamoDBDocumentClient,
  options: KeyUpgradeOptions,
): Promise<KeyUpgradeOutcome> {
  const key = keyVersionMarker(options.tableId);
  const marker = await doc.send(
    new GetCommand({ TableName: options.tableName, Key: key, ConsistentRead: true }),
  );
  const stored = marker.Item?.version;
  if (typeof stored === 'number' && stored >= options.version) {
    return { state: 'current', updated: 0, complete: true };
  }
  const result = await options.pass(options.until ? { until: options.until } : {});
  if (!result.complete) return { state: 'ran', ...result };
  try {
    await doc.send(
      new PutCommand({
        TableName: options.tableName,
        Item: {
          ...key,
          entity: 'key-version',
          version: options.version,
          upgradedAt: (options.now?.() ?? new Date()).toISOString(),
          updated: result.updated,
        },
        // Only forward: a newer version's marker, written by newer code meanwhile, stays.
        ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
        ExpressionAttributeValues: { ':version': options.version },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  return { state: 'ran', ...result };
}
