import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildHandler, type ScanHandlerDeps } from '../../../../functions/scan/handler.js';
import { DynamoDecisionStore } from '../../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../../lib/adapters/dynamodb/scan-log.js';
import { EventBridgeRevokeRequester } from '../../../../lib/adapters/eventbridge/revoke-requester.js';
import { LiveIamDirectory } from '../../../../lib/adapters/iam-inventory/live-inventory.js';
import { SecurityHubExporter } from '../../../../lib/adapters/securityhub/finding-exporter.js';
import { fixedClock } from '../../../../lib/adapters/system.js';
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
    AWS_REGION: 'us-east-1',
  });
});

const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const iam = mockClient(IAMClient);
const events = mockClient(EventBridgeClient);
let hub: FakeSecurityHub;
let base: Omit<ScanHandlerDeps, 'clock'>;
let store: DynamoFindingStore;

beforeEach(async () => {
  iam.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  hub = new FakeSecurityHub(PRODUCT, ACCOUNT);
  const tables = await createTestTables();
  const findings = new DynamoFindingStore(tables.doc, tables.names.findings);
  store = findings;
  base = {
    directory: new LiveIamDirectory(new IAMClient({ region: 'us-east-1' }), { sleep: async () => {} }),
    decisions: new DynamoDecisionStore(tables.doc, tables.names.decisions),
    executions: new DynamoExecutionTrail(tables.doc, tables.names.executions),
    findings,
    metrics: findings,
    scans: new DynamoScanLog(tables.doc, tables.names.findings),
    revokes: new EventBridgeRevokeRequester(new EventBridgeClient({ region: 'us-east-1' }), 'bus'),
    policy: loadPolicyFile(),
    exporter: new SecurityHubExporter(new SecurityHubClient({ region: 'us-east-1' }), PRODUCT, {
      sleep: async () => {},
    }),
  };
});

const scanAt = (at: string) => buildHandler({ ...base, clock: fixedClock(at) })({});
const stale = () => aRole('old', { path: '/', createdAt: daysAgo(200), lastUsedAt: undefined });

describe('scan → Security Hub', () => {
  it('keeps one Security Hub finding through open, update and resolve, ending RESOLVED and ARCHIVED', async () => {
    const id = `nhi-gov/${findingId('stale-role', 'role/old', '', ACCOUNT)}`;
    const day = (n: number) => new Date(AS_OF.getTime() + n * 86_400_000).toISOString();

    // Scan 1: the stale role is found.
    installFakeIamAccount(iam, anInventory({ roles: [stale()] }));
    await scanAt(day(0));
    const opened = structuredClone(hub.get(id));
    // Scan 2: still stale.
    await scanAt(day(1));
    const updated = structuredClone(hub.get(id));
    // Scan 3: the role was used yesterday: the condition is gone.
    iam.reset();
    installFakeIamAccount(
      iam,
      anInventory({ roles: [aRole('old', { path: '/', createdAt: daysAgo(200), lastUsedAt: day(1) })] }),
    );
    const summary = await scanAt(day(2));
    const resolved = hub.get(id);

    expect(opened).toMatchObject({
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
      Compliance: { Status: 'FAILED' },
    });
    expect(opened?.Compliance?.RelatedRequirements).toContain('NIST CSF 2.0 PR.AA-05');
    expect(updated?.UpdatedAt).toBe(day(1));
    expect(updated?.CreatedAt).toBe(opened?.CreatedAt);
    expect(resolved).toMatchObject({
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'RESOLVED' },
      Compliance: { Status: 'PASSED' },
      UpdatedAt: day(2),
    });
    expect([...hub.findings.keys()].filter((k) => k.endsWith(id))).toHaveLength(1);
    expect(hub.findings.size).toBe(1);
    expect(hub.mock.commandCalls(BatchImportFindingsCommand)).toHaveLength(3);
    expect(summary.securityHub).toEqual({ sent: 1 });
  });

  it('fails the run after storing the findings when Security Hub keeps refusing, so it alarms and retries', async () => {
    installFakeIamAccount(iam, anInventory({ roles: [stale()] }));
    hub.throttleNext(100);

    await expect(scanAt(AS_OF.toISOString())).rejects.toMatchObject({ code: 'FINDING_EXPORT_FAILED' });
    expect(await store.get(findingId('stale-role', 'role/old', '', ACCOUNT))).toMatchObject({
      status: 'open',
    });
  });
});
