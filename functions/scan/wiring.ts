import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoCampaignStore } from '../../lib/adapters/dynamodb/campaign-store.js';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore, FINDING_KEYS_VERSION } from '../../lib/adapters/dynamodb/finding-store.js';
import { upgradeKeysOnce } from '../../lib/adapters/dynamodb/key-upgrade.js';
import { DynamoScanDigests } from '../../lib/adapters/dynamodb/scan-digest.js';
import { DynamoScanLog } from '../../lib/adapters/dynamodb/scan-log.js';
import { EventBridgeRevokeRequester } from '../../lib/adapters/eventbridge/revoke-requester.js';
import { LiveIamDirectory } from '../../lib/adapters/iam-inventory/live-inventory.js';
import { systemClock } from '../../lib/adapters/system.js';
import {
  accountIdEnv,
  decisionReadScope,
  decisionsReadScopeEnv,
  loadEnv,
  required,
} from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { loadPolicyJsonFile } from '../../lib/config/policy-source.js';
import { ENV } from '../../lib/config/tables.js';
import type { ScanHandlerDeps } from './build-handler.js';

export const ScanEnv = z.object({
  [ENV.decisionsTable]: required(),
  [ENV.executionsTable]: required(),
  [ENV.findingsTable]: required(),
  [FUNCTION_ENV.eventBusName]: required(),
  [FUNCTION_ENV.policyFile]: required(),
  /** Set with DECISIONS_READ_SCOPE (organization member): the account whose hub partitions it reads. */
  [FUNCTION_ENV.accountId]: accountIdEnv().optional(),
  [FUNCTION_ENV.decisionsReadScope]: decisionsReadScopeEnv(),
});

/** The findings table's key upgrade, run once per table by the scan (see ScanHandlerDeps.upgradeKeys). */
export function findingKeyUpgrade(
  doc: DynamoDBDocumentClient,
  tableName: string,
): NonNullable<ScanHandlerDeps['upgradeKeys']> {
  const findings = new DynamoFindingStore(doc, tableName);
  return (until) =>
    upgradeKeysOnce(doc, {
      tableName,
      tableId: 'findings',
      version: FINDING_KEYS_VERSION,
      pass: (options) => findings.upgradeKeys(options),
      ...(until ? { until } : {}),
    });
}

/** The Lambda's dependencies, built once per cold start from the environment. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Omit<ScanHandlerDeps, 'record'> {
  const config = loadEnv(ScanEnv, env);
  const doc = documentClient(new DynamoDBClient({}));
  const findings = new DynamoFindingStore(doc, config[ENV.findingsTable]);
  const scope = decisionReadScope(config[FUNCTION_ENV.decisionsReadScope], config[FUNCTION_ENV.accountId]);
  return {
    directory: new LiveIamDirectory(new IAMClient({})),
    decisions: new DynamoDecisionStore(doc, config[ENV.decisionsTable], scope),
    // Certification campaigns are the hub's (CAMPAIGN#<id> partitions, org-wide): a member reading
    // its own account's partitions cannot read them (docs/organization.md, "Known limits").
    ...(scope === 'all' ? { campaigns: new DynamoCampaignStore(doc, config[ENV.decisionsTable]) } : {}),
    executions: new DynamoExecutionTrail(doc, config[ENV.executionsTable]),
    findings,
    metrics: findings,
    scans: new DynamoScanLog(doc, config[ENV.findingsTable]),
    digests: new DynamoScanDigests(doc, config[ENV.findingsTable]),
    revokes: new EventBridgeRevokeRequester(new EventBridgeClient({}), config[FUNCTION_ENV.eventBusName]),
    policy: loadPolicyJsonFile(config[FUNCTION_ENV.policyFile]),
    clock: systemClock,
    upgradeKeys: findingKeyUpgrade(doc, config[ENV.findingsTable]),
  };
}
