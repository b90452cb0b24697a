import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildHandler, type ScanHandlerDeps } from '../../../../functions/scan/handler.js';
import { defaultDeps, findingKeyUpgrade } from '../../../../functions/scan/wiring.js';
import { DynamoDecisionStore } from '../../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore, findingItem } from '../../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../../lib/adapters/dynamodb/scan-log.js';
import { EventBridgeRevokeRequester } from '../../../../lib/adapters/eventbridge/revoke-requester.js';
import { LiveIamDirectory } from '../../../../lib/adapters/iam-inventory/live-inventory.js';
import { fixedClock } from '../../../../lib/adapters/system.js';
import { loadPolicyFile } from '../../../../lib/config/policy-file.js';
import { type Finding, FRAMEWORKS, findingId } from '../../../../lib/domain/finding.js';
import { aDecision, BOB } from '../../../support/builders.js';
import { createTestTables, type TestTables } from '../../../support/dynamo.js';
import {
  ACCOUNT,
  AS_OF,
  anInventory,
  aRole,
  aUser,
  daysAgo,
  installFakeIamAccount,
} from '../../../support/fakes/iam-read.js';

// handler.ts builds its Lambda dependencies at import, as it does on a cold start: give it an environment.
// The policy as deployed functions read it: JSON, written from the YAML file at synth time.
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

const iam = mockClient(IAMClient);
const events = mockClient(EventBridgeClient);
const BUS = 'nhi-gov-bus';

let deps: ScanHandlerDeps;
let tables: TestTables;
let findings: DynamoFindingStore;
let decisions: DynamoDecisionStore;

beforeEach(async () => {
  iam.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  tables = await createTestTables();
  findings = new DynamoFindingStore(tables.doc, tables.names.findings);
  decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
  deps = {
    directory: new LiveIamDirectory(new IAMClient({ region: 'us-east-1' }), { sleep: async () => {} }),
    decisions,
    executions: new DynamoExecutionTrail(tables.doc, tables.names.executions),
    findings,
    metrics: findings,
    scans: new DynamoScanLog(tables.doc, tables.names.findings),
    revokes: new EventBridgeRevokeRequester(new EventBridgeClient({ region: 'us-east-1' }), BUS),
    policy: loadPolicyFile(),
    clock: fixedClock(AS_OF),
  };
});

/** Another account's findings (in an organization's hub table): a scan of ACCOUNT leaves them as they are. */
const OTHER_ACCOUNT = '000000000888';

/** A critical open finding stored with the keys of the version before #16.5. */
function oldKeyed(id: string): Record<string, unknown> {
  const finding: Finding = {
    id,
    type: 'stale-role',
    severity: 'critical',
    status: 'open',
    source: 'scanner',
    identityKey: 'role/legacy',
    identityArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/legacy`,
    accountId: OTHER_ACCOUNT,
    title: 'legacy',
    evidence: {},
    firstSeen: daysAgo(30),
    lastSeen: daysAgo(1),
    frameworks: FRAMEWORKS['stale-role'],
  };
  const { gsi4pk: _pk, gsi4sk: _sk, ...item } = findingItem(finding);
  return { ...item, gsi1sk: `${finding.type}#${finding.firstSeen}#${finding.id}` };
}

async function expiredGrant() {
  const at = daysAgo(3);
  const grant = aDecision({
    status: 'approved',
    version: 2,
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    expiresAt: daysAgo(1),
    approvals: [{ approver: BOB, at, basis: 'tier low' }],
  });
  await decisions.create(grant);
  return grant;
}

describe('scan handler', () => {
  it('scans the live account, stores findings and metrics, and puts RevokeRequested on the bus', async () => {
    installFakeIamAccount(
      iam,
      anInventory({
        roles: [
          aRole('payments-batch'),
          aRole('old', { path: '/', createdAt: daysAgo(200), lastUsedAt: undefined }),
        ],
        users: [aUser('ci', { path: '/' })],
      }),
    );
    const grant = await expiredGrant();

    const summary = await buildHandler(deps)({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler' });

    expect(summary).toMatchObject({
      asOf: AS_OF.toISOString(),
      identities: 3,
      revokesRequested: 1,
      revokesFailed: 0,
    });
    expect(await findings.get(findingId('stale-role', 'role/old', '', ACCOUNT))).toMatchObject({
      status: 'open',
    });
    expect(await findings.listMetrics('2026-03-01', '2026-03-01')).toHaveLength(1);
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: BUS, Source: 'nhi-gov', DetailType: 'RevokeRequested' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      schemaVersion: '1',
      decisionId: grant.id,
      reason: 'grant-expired',
      requestedBy: 'system:scanner',
      requestedAt: AS_OF.toISOString(),
    });
  });

  it('honours asOf from the event', async () => {
    installFakeIamAccount(
      iam,
      anInventory({ roles: [aRole('r', { path: '/', createdAt: daysAgo(100), lastUsedAt: undefined })] }),
    );
    const summary = await buildHandler(deps)({ asOf: daysAgo(20) });
    expect(summary.asOf).toBe(new Date(daysAgo(20)).toISOString());
    expect(summary.open).toBe(0);
  });

  it('fails after storing findings when EventBridge refuses a revoke, so the run alarms and retries', async () => {
    installFakeIamAccount(iam, anInventory({ roles: [aRole('payments-batch')] }));
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const grant = await expiredGrant();

    await expect(buildHandler(deps)({})).rejects.toMatchObject({
      code: 'REVOKE_FILING_FAILED',
      message: expect.stringContaining(
        `${grant.id} (RevokeRequested for decision ${grant.id} was refused by EventBridge: InternalFailure try again)`,
      ),
    });
    expect(
      await findings.get(findingId('expired-grant', 'role/payments-batch', grant.id, ACCOUNT)),
    ).toMatchObject({
      status: 'open',
    });
  });

  it('refuses a malformed event before reading IAM or writing anything', async () => {
    installFakeIamAccount(iam, anInventory({ roles: [aRole('r')] }));
    await expect(buildHandler(deps)({ asOf: 'yesterday' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('asOf'),
    });
    expect(iam.calls()).toHaveLength(0);
    expect(await findings.listByStatus('open')).toEqual([]);
  });

  it('re-keys findings stored by an older version after a scan that stored, once (the wiring the Lambda uses)', async () => {
    // Arrange: a finding as an older version stored it (type-first by-status sort key, no by-account keys).
    installFakeIamAccount(iam, anInventory({ roles: [aRole('payments-batch')] }));
    const old = oldKeyed(findingId('stale-role', 'role/legacy', '', OTHER_ACCOUNT));
    await tables.doc.send(new PutCommand({ TableName: tables.names.findings, Item: old }));
    const handle = buildHandler({
      ...deps,
      upgradeKeys: findingKeyUpgrade(tables.doc, tables.names.findings),
    });

    // Act
    const first = await handle({}, { getRemainingTimeInMillis: () => 600_000 });
    const second = await handle({});

    // Assert: the old finding is now where the severity-filtered report looks; the second run only read the marker.
    expect(first.keyUpgrade).toEqual({ updated: 1, complete: true });
    expect(second.keyUpgrade).toBeUndefined();
    const critical = [];
    for await (const page of findings.pagesOf({ status: 'open', minSeverity: 'critical' }))
      critical.push(...page);
    expect(critical.map((f) => f.id)).toContain(old.id);
    expect(defaultDeps(process.env).upgradeKeys).toBeTypeOf('function');
  });

  it('does not run the key upgrade on a scan that ran read-only (dated before the newest scan)', async () => {
    // Arrange
    installFakeIamAccount(iam, anInventory({ roles: [aRole('payments-batch')] }));
    let runs = 0;
    const handle = buildHandler({
      ...deps,
      upgradeKeys: async () => {
        runs += 1;
        return { state: 'ran', updated: 0, complete: true };
      },
    });
    await handle({});

    // Act
    const summary = await handle({ asOf: daysAgo(5) });

    // Assert
    expect(summary.stored).toBe(false);
    expect(runs).toBe(1);
  });

  it('fails at cold start naming every missing variable', () => {
    expect(() => defaultDeps({ DECISIONS_TABLE_NAME: 'd' })).toThrow(
      /EXECUTIONS_TABLE_NAME is not set.*FINDINGS_TABLE_NAME is not set.*EVENT_BUS_NAME is not set.*POLICY_FILE is not set/,
    );
  });
});
