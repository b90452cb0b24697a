import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import type { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import type { InventoryRole, InventoryUser } from '../../../lib/domain/inventory.js';
import { DAY_MS } from '../../../lib/domain/primitives.js';
import type { ScanDeps } from '../../../lib/domain/scanning/run-scan.js';
import type { FindingBatch } from '../../../lib/ports/metrics-store.js';
import type { ScanDigests } from '../../../lib/ports/scan-digest.js';
import type { TestTables } from '../../support/dynamo.js';
import { aRole, aUser } from '../../support/fakes/iam-read.js';

/** The scan's dependencies on the test tables, with `findings` as both its store and its metrics. */
export const scanDepsOn = (
  tables: TestTables,
  findings: FindingBatch & DynamoFindingStore,
  digests?: ScanDigests,
): ScanDeps => ({
  decisions: new DynamoDecisionStore(tables.doc, tables.names.decisions),
  findings,
  metrics: findings,
  executions: new DynamoExecutionTrail(tables.doc, tables.names.executions),
  revokes: { requestRevoke: async () => {} },
  scans: new DynamoScanLog(tables.doc, tables.names.findings),
  ...(digests ? { digests } : {}),
});

/** Identities of an account as of `t0`: a stale role (one finding), a user with an old, unrotated key. */
export function identitiesAsOf(t0: Date) {
  const ago = (days: number) => new Date(t0.getTime() - days * DAY_MS).toISOString();
  return {
    staleRole: (account: string, name: string, extra: Partial<InventoryRole> = {}) =>
      aRole(name, {
        arn: `arn:aws:iam::${account}:role/${name}`,
        path: '/',
        createdAt: ago(400),
        lastUsedAt: undefined,
        ...extra,
      }),
    /** One old key, so every finding of an identity has its own type; seen or not by the credential report. */
    oldKeyUser: (account: string, name: string, seen: boolean): InventoryUser =>
      aUser(name, {
        arn: `arn:aws:iam::${account}:user/${name}`,
        path: '/',
        accessKeys: [{ slot: 1, active: true, lastRotatedAt: ago(300), lastUsedAt: ago(200) }],
        credentialReportSeen: seen,
      }),
  };
}
