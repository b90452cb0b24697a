import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildHandler as buildScan, type ScanHandlerDeps } from '../../../../functions/scan/handler.js';
import { buildHandler, handler } from '../../../../functions/security-hub-export/handler.js';
import { DynamoDecisionStore } from '../../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../../lib/adapters/dynamodb/scan-log.js';
import { EventBridgeRevokeRequester } from '../../../../lib/adapters/eventbridge/revoke-requester.js';
import { LiveIamDirectory } from '../../../../lib/adapters/iam-inventory/live-inventory.js';
import { SecurityHubExporter } from '../../../../lib/adapters/securityhub/finding-exporter.js';
import { fixedClock } from '../../../../lib/adapters/system.js';
import { SECURITY_HUB_ROUTE } from '../../../../lib/config/event-routes.js';
import { loadPolicyFile } from '../../../../lib/config/policy-file.js';
import { findingId } from '../../../../lib/domain/finding.js';
import { createTestTables } from '../../../support/dynamo.js';
import {
  ACCOUNT,
  AS_OF,
  anInventory,
  aRole,
  daysAgo,
  installFakeIamAccount,
} from '../../../support/fakes/iam-read.js';
import { FakeSecurityHub } from '../../../support/fakes/securityhub.js';

// handler.ts builds its Lambda dependencies at import, as it does on a cold start: give it an environment.
await vi.hoisted(async () => {
  const { defaultPolicyJsonFile } = await import('../../../support/policy.js');
  Object.assign(process.env, {
    DECISIONS_TABLE_NAME: 'unused-decisions',
    EXECUTIONS_TABLE_NAME: 'unused-executions',
    FINDINGS_TABLE_NAME: 'unused-findings',
    EVENT_BUS_NAME: 'unused-bus',
    POLICY_FILE: defaultPolicyJsonFile(),
    SECURITY_HUB_PRODUCT_ARN: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
    AWS_REGION: 'us-east-1',
  });
});

const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:nhi-gov-security-hub-export-us-east-1`;
const iam = mockClient(IAMClient);
const events = mockClient(EventBridgeClient);
let hub: FakeSecurityHub;
let scanDeps: Omit<ScanHandlerDeps, 'clock'>;
let store: DynamoFindingStore;
let scans: DynamoScanLog;
let exportScan: ReturnType<typeof buildHandler>;

beforeEach(async () => {
  iam.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  hub = new FakeSecurityHub(PRODUCT, ACCOUNT);
  const tables = await createTestTables();
  store = new DynamoFindingStore(tables.doc, tables.names.findings);
  scans = new DynamoScanLog(tables.doc, tables.names.findings);
  scanDeps = {
    directory: new LiveIamDirectory(new IAMClient({ region: 'us-east-1' }), { sleep: async () => {} }),
    decisions: new DynamoDecisionStore(tables.doc, tables.names.decisions),
    executions: new DynamoExecutionTrail(tables.doc, tables.names.executions),
    findings: store,
    metrics: store,
    scans,
    revokes: new EventBridgeRevokeRequester(new EventBridgeClient({ region: 'us-east-1' }), 'bus'),
    policy: loadPolicyFile(),
  };
  exportScan = buildHandler({
    scans,
    findings: store,
    exporter: new SecurityHubExporter(new SecurityHubClient({ region: 'us-east-1' }), PRODUCT, {
      sleep: async () => {},
    }),
  });
});

/** The ScanCompleted event the findings table's pipe renders from the scan log (lib/config/event-routes.ts). */
const scanCompleted = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'ev-1',
  source: 'nhi-gov',
  'detail-type': 'ScanCompleted',
  account: ACCOUNT,
  region: 'us-east-1',
  time: '2026-01-01T00:00:00Z',
  resources: [],
  detail: { schemaVersion: '1', ...detail },
});

/** A scan, then the export its recorded ScanCompleted prompts, as the bus delivers it. */
async function scanAndExport(at: string) {
  const summary = await buildScan({ ...scanDeps, clock: fixedClock(at) })({});
  const latest = await scans.latestScan(ACCOUNT);
  if (!latest) throw new Error('the scan recorded nothing');
  const outcome = await exportScan(
    scanCompleted({ accountId: latest.accountId, asOf: latest.asOf, ranAt: latest.ranAt }),
    { invokedFunctionArn: FUNCTION_ARN },
  );
  return { summary, outcome };
}

const stale = () => aRole('old', { path: '/', createdAt: daysAgo(200), lastUsedAt: undefined });
const day = (n: number) => new Date(AS_OF.getTime() + n * 86_400_000).toISOString();

describe('security-hub-export (ScanCompleted → Security Hub)', () => {
  it('exports a middy handler built from the environment, routed only ScanCompleted of nhi-gov', () => {
    expect(typeof handler).toBe('function');
    expect(SECURITY_HUB_ROUTE.pattern).toEqual({ source: ['nhi-gov'], 'detail-type': ['ScanCompleted'] });
  });

  it('keeps one Security Hub finding through open, update and resolve, ending RESOLVED and ARCHIVED', async () => {
    // Arrange
    const id = `nhi-gov/${findingId('stale-role', 'role/old', '', ACCOUNT)}`;

    // Act
    // Scan 1: the stale role is found.
    installFakeIamAccount(iam, anInventory({ roles: [stale()] }));
    const first = await scanAndExport(day(0));
    const opened = structuredClone(hub.get(id));
    // Scan 2: still stale.
    await scanAndExport(day(1));
    const updated = structuredClone(hub.get(id));
    // Scan 3: the role was used yesterday: the condition is gone.
    iam.reset();
    installFakeIamAccount(
      iam,
      anInventory({ roles: [aRole('old', { path: '/', createdAt: daysAgo(200), lastUsedAt: day(1) })] }),
    );
    const last = await scanAndExport(day(2));
    const resolved = hub.get(id);
    // Scan 4: nothing changed; the finding resolved by scan 3 is not sent again.
    const after = await scanAndExport(day(3));

    // Assert
    expect(first.outcome).toEqual({
      accountId: ACCOUNT,
      asOf: day(0),
      sent: first.summary.open + first.summary.suppressed,
      open: first.summary.open,
      suppressed: first.summary.suppressed,
      resolved: 0,
    });
    expect(opened).toMatchObject({
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
      Compliance: { Status: 'FAILED' },
      LastObservedAt: day(0),
    });
    expect(opened?.Compliance?.RelatedRequirements).toContain('NIST CSF 2.0 PR.AA-05');
    expect(updated?.UpdatedAt).toBe(day(1));
    // The store's projection: an unchanged finding's lastSeen is its account's latest scan.
    expect(updated?.LastObservedAt).toBe(day(1));
    expect(updated?.CreatedAt).toBe(opened?.CreatedAt);
    expect(resolved).toMatchObject({
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
      Compliance: { Status: 'PASSED' },
      UpdatedAt: day(2),
    });
    expect(last.outcome).toMatchObject({
      resolved: 1,
      sent: last.summary.open + last.summary.suppressed + 1,
    });
    expect([...hub.findings.keys()].filter((k) => k.endsWith(id))).toHaveLength(1);
    expect(after.outcome).toMatchObject({ open: 0, resolved: 0, sent: 0 });
    expect(hub.findings.size).toBe(1);
    expect(hub.mock.commandCalls(BatchImportFindingsCommand)).toHaveLength(3);
  });

  it('fails (so Lambda retries, then the failure destination) when Security Hub keeps refusing; the findings stay stored', async () => {
    // Arrange
    installFakeIamAccount(iam, anInventory({ roles: [stale()] }));
    const summary = await buildScan({ ...scanDeps, clock: fixedClock(AS_OF.toISOString()) })({});
    const latest = await scans.latestScan(ACCOUNT);
    hub.throttleNext(100);

    // Act
    const run = exportScan(scanCompleted({ accountId: ACCOUNT, asOf: latest?.asOf, ranAt: latest?.ranAt }), {
      invokedFunctionArn: FUNCTION_ARN,
    });

    // Assert: the scan itself no longer depends on Security Hub
    expect(summary.stored).toBe(true);
    await expect(run).rejects.toMatchObject({ code: 'FINDING_EXPORT_FAILED' });
    expect(await store.get(findingId('stale-role', 'role/old', '', ACCOUNT))).toMatchObject({
      status: 'open',
    });
  });

  it('sends nothing for a ScanCompleted that does not name the account’s newest recorded scan (stale, replayed, forged, future) or names another account', async () => {
    // Arrange: two recorded scans of the account.
    installFakeIamAccount(iam, anInventory({ roles: [stale()] }));
    await buildScan({ ...scanDeps, clock: fixedClock(day(0)) })({});
    await buildScan({ ...scanDeps, clock: fixedClock(day(1)) })({});
    const latest = await scans.latestScan(ACCOUNT);
    const other = fc.stringMatching(/^\d{12}$/).filter((a) => a !== ACCOUNT);
    const notNewest = fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString())
      .filter((at) => at !== latest?.asOf);

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          notNewest.map((asOf) => ({ accountId: ACCOUNT, asOf })),
          other.map((accountId) => ({ accountId, asOf: latest?.asOf as string })),
          fc.constant({ accountId: ACCOUNT, asOf: day(0) }),
        ),
        async ({ accountId, asOf }) => {
          const outcome = await exportScan(scanCompleted({ accountId, asOf, ranAt: asOf }), {
            invokedFunctionArn: FUNCTION_ARN,
          });
          expect(outcome).toHaveProperty('skipped');
        },
      ),
      { numRuns: 20 },
    );
    expect(hub.mock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(hub.findings.size).toBe(0);
  });

  it('refuses a malformed or foreign event naming the field, and sends nothing', async () => {
    // Arrange
    installFakeIamAccount(iam, anInventory({ roles: [stale()] }));
    await buildScan({ ...scanDeps, clock: fixedClock(day(0)) })({});
    const latest = await scans.latestScan(ACCOUNT);
    const good = scanCompleted({ accountId: ACCOUNT, asOf: latest?.asOf, ranAt: latest?.ranAt });

    // Act / Assert
    for (const [event, field] of [
      [{ ...good, source: 'my.ticketing' }, 'source'],
      [{ ...good, 'detail-type': 'FindingOpened' }, 'detail-type'],
      [{ ...good, detail: { ...good.detail, accountId: '12345' } }, 'accountId'],
      [{ ...good, detail: { ...good.detail, asOf: 'yesterday' } }, 'asOf'],
      [{ ...good, detail: undefined }, 'detail'],
    ] as const) {
      await expect(exportScan(event, { invokedFunctionArn: FUNCTION_ARN }), field).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining(field),
      });
    }
    expect(hub.mock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });
});
