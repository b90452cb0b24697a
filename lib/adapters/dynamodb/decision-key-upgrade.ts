import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../../config/tables.js';
import { DecisionStatus, type DeniedAttempt } from '../../domain/decision.js';
import { attemptIndexKeys, type DecisionKeyFields, decisionIndexKeys } from './decision-store.js';
import { queryPages } from './query.js';

const INDEX_KEY = /^gsi\d+(pk|sk)$/;

/** True when the item's index keys are exactly `keys` (none missing, none left over). */
function keysCurrent(item: Record<string, unknown>, keys: Record<string, string>): boolean {
  const stored = Object.keys(item).filter((k) => INDEX_KEY.test(k));
  return stored.length === Object.keys(keys).length && stored.every((k) => item[k] === keys[k]);
}

/**
 * Brings the index keys of decisions and refused attempts stored by an older version up to
 * DECISION_KEYS_VERSION (the account in the by-identity partition, the by-account index). Reads
 * through the by-status index, one partition per status and `ATTEMPT#denied` (never a Scan), and
 * writes back, as it was read, each item whose keys differ, with its keys replaced, on condition that
 * it has not changed meanwhile (a decision's `version`, which every decision write bumps; a refused
 * attempt never changes). Writes nothing when every key is current, so it is idempotent and can be
 * stopped and run again. A decision keeps its status, so the stream's status filters send no event
 * for a re-key. Query and PutItem only: governance's permissions (only governance writes this table).
 * Its own module, so the functions that never upgrade do not bundle it.
 * @param options.until asked before each page: true stops the pass early (`complete: false`); a later
 *   pass resumes, since it skips every item whose keys are current.
 * @returns how many items it updated, and whether it went through every partition.
 */
export async function upgradeDecisionKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { until?: () => boolean } = {},
): Promise<{ updated: number; complete: boolean }> {
  let updated = 0;
  const rewrite = async (item: Record<string, unknown>, keys: Record<string, string>, condition: object) => {
    if (keysCurrent(item, keys)) return;
    const rest = Object.fromEntries(Object.entries(item).filter(([k]) => !INDEX_KEY.test(k)));
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...rest, ...keys }, ...condition }));
      updated += 1;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };
  const partitions = [...DecisionStatus.options.map((s) => `DECISION#${s}`), 'ATTEMPT#denied'];
  for (const pk of partitions) {
    for await (const items of queryPages(client, {
      TableName: tableName,
      IndexName: INDEX.decisionsByStatus,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    })) {
      if (options.until?.()) return { updated, complete: false };
      for (const item of items) {
        if (item.entity === 'decision')
          await rewrite(item, decisionIndexKeys(item as unknown as DecisionKeyFields), {
            // Only if the decision has not changed since it was read: a newer version has new keys.
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': item.version },
          });
        else if (item.entity === 'denied-attempt')
          await rewrite(item, attemptIndexKeys(item as unknown as DeniedAttempt), {
            ConditionExpression: 'attribute_exists(pk)',
          });
      }
    }
  }
  return { updated, complete: true };
}
