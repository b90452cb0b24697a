import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../../lib/adapters/dynamodb/campaign-store.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import type { Decision } from '../../../lib/domain/decision.js';
import type { RevokeRequestedDetail } from '../../../lib/domain/events.js';
import { COMPLETE_ACTION } from '../../../lib/domain/execution.js';
import { findingId } from '../../../lib/domain/finding.js';
import type { IamInventory } from '../../../lib/domain/inventory.js';
import { runScan, type ScanDeps } from '../../../lib/domain/scanning/run-scan.js';
import type { RevokeRequester } from '../../../lib/ports/revoke-requester.js';
import { aDecision, aFinding, anExecution, BOB } from '../../support/builders.js';
import { createTestTables } from '../../support/dynamo.js';
import { ACCOUNT, AS_OF, anInventory, aRole, aUser, daysAgo } from '../../support/fakes/iam-read.js';

const policy = loadPolicyFile();
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const T1 = AS_OF;
const T2 = new Date(T1.getTime() + 20 * 86_400_000);

class RecordingRevokes implements RevokeRequester {
  readonly details: RevokeRequestedDetail[] = [];
  async requestRevoke(detail: RevokeRequestedDetail): Promise<void> {
    this.details.push(detail);
  }
}

let decisions: DynamoDecisionStore;
let findings: DynamoFindingStore;
let executions: DynamoExecutionTrail;
let revokes: RecordingRevokes;
let deps: ScanDeps;
let campaigns: DynamoCampaignStore;

beforeEach(async () => {
  const tables = await createTestTables();
  decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
  findings = new DynamoFindingStore(tables.doc, tables.names.findings);
  executions = new DynamoExecutionTrail(tables.doc, tables.names.executions);
  revokes = new RecordingRevokes();
  campaigns = new DynamoCampaignStore(tables.doc, tables.names.decisions);
  const scans = new DynamoScanLog(tables.doc, tables.names.findings);
  deps = { decisions, findings, metrics: findings, executions, revokes, campaigns, scans };
});

function approvedDecision(request: Decision['request'], overrides: Partial<Decision> = {}): Decision {
  const at = daysAgo(30);
  return aDecision({
    status: 'approved',
    version: 2,
    kind: request.kind,
    request,
    identityKey: `${request.identity.type}/${request.identity.name}`,
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    approvals: [{ approver: BOB, at, basis: 'tier high' }],
    ...overrides,
  });
}

const staleRoleException = (expiresAt: string) =>
  approvedDecision(
    {
      kind: 'exception',
      identity: { type: 'role', name: 'audit-reader' },
      findingTypes: ['stale-role'],
      riskAcceptance: {
        owner: 'team-audit',
        risk: 'the role is used once a year by the auditors',
        compensatingControls: ['read-only boundary'],
        residualSeverity: 'low',
      },
      expiresAt,
      justification: 'yearly audit needs this role',
    },
    { expiresAt },
  );

const scan = (inventory: IamInventory, asOf: Date) =>
  runScan(deps, { inventory, policy, asOf, now: asOf, accountId: ACCOUNT });

describe('runScan on DynamoDB Local', () => {
  it('suppresses, keeps firstSeen, resolves what is gone and un-suppresses after the exception expires', async () => {
    // Arrange: an exception good for 10 days, a forged-event finding from provisioning.
    const exception = staleRoleException(new Date(T1.getTime() + 10 * 86_400_000).toISOString());
    await decisions.create(exception);
    const forged = aFinding({ type: 'forged-event', source: 'provisioning', identityKey: 'role/x' });
    await findings.put(forged);
    const neverUsed = { path: '/', createdAt: daysAgo(400), lastUsedAt: undefined };
    const old = [aRole('etl-old', neverUsed), aRole('audit-reader', neverUsed)];
    const ci = aUser('ci', {
      path: '/',
      accessKeys: [{ slot: 1, active: true, lastRotatedAt: daysAgo(200), lastUsedAt: daysAgo(1) }],
    });

    // Act 1
    const first = await scan(anInventory({ roles: old, users: [ci] }), T1);

    // Assert 1
    const staleId = findingId('stale-role', 'role/etl-old', '', ACCOUNT);
    const exceptedId = findingId('stale-role', 'role/audit-reader', '', ACCOUNT);
    const keyId = findingId('unrotated-access-key', 'user/ci', 'access-key-1', ACCOUNT);
    expect(await findings.get(staleId)).toMatchObject({ status: 'open', firstSeen: T1.toISOString() });
    expect(await findings.get(exceptedId)).toMatchObject({
      status: 'suppressed',
      suppressedBy: exception.id,
    });
    expect(await findings.get(keyId)).toMatchObject({ status: 'open', severity: 'high' });
    expect(first.metrics.governance.suppressedFindings).toBe(1);
    expect(first.metrics.governance.exceptionAge).toMatchObject({ active: 1, maxDays: 30, expired: 0 });
    expect(revokes.details).toEqual([]);

    // Act 2: 20 days later the old role was used, the exception has expired, the key is still old.
    const used = aRole('etl-old', { ...neverUsed, lastUsedAt: daysAgo(1, T2) });
    const second = await scan(anInventory({ roles: [used, old[1] as never], users: [ci] }), T2);

    // Assert 2
    expect(await findings.get(staleId)).toMatchObject({
      status: 'resolved',
      resolvedAt: T2.toISOString(),
      firstSeen: T1.toISOString(),
    });
    const unsuppressed = await findings.get(exceptedId);
    expect(unsuppressed).toMatchObject({
      status: 'open',
      firstSeen: T1.toISOString(),
      lastSeen: T2.toISOString(),
    });
    expect(unsuppressed?.suppressedBy).toBeUndefined();
    expect(await findings.get(keyId)).toMatchObject({
      firstSeen: T1.toISOString(),
      lastSeen: T2.toISOString(),
    });
    expect(
      await findings.get(findingId('expired-exception', 'role/audit-reader', exception.id, ACCOUNT)),
    ).toMatchObject({
      status: 'open',
      severity: 'high',
      frameworks: { nistCsf: ['GV.RM-01', 'PR.AA-05'] },
    });
    expect(revokes.details).toEqual([
      {
        schemaVersion: '1',
        decisionId: exception.id,
        reason: 'exception-expired',
        requestedBy: 'system:scanner',
        requestedAt: T2.toISOString(),
      },
    ]);
    expect(second.resolved.map((f) => f.id)).toEqual([staleId]);
    expect(await findings.get(forged.id)).toEqual(forged);
    expect((await findings.listMetrics('2026-03-01', '2026-03-31')).map((m) => m.day)).toEqual([
      '2026-03-01',
      '2026-03-21',
    ]);
  });

  it('does not resolve key findings when the second scan has no credential report', async () => {
    const ci = aUser('ci', {
      path: '/',
      accessKeys: [{ slot: 1, active: true, lastRotatedAt: daysAgo(200), lastUsedAt: daysAgo(1) }],
    });
    await scan(anInventory({ users: [ci] }), T1);
    const unseen = { ...ci, accessKeys: [], credentialReportSeen: false, passwordEnabled: undefined };
    const second = await scan(anInventory({ users: [unseen] }), T2);
    expect(second.resolved).toEqual([]);
    expect(
      await findings.get(findingId('unrotated-access-key', 'user/ci', 'access-key-1', ACCOUNT)),
    ).toMatchObject({
      status: 'open',
      lastSeen: T1.toISOString(),
    });
  });

  it('files one system revoke per expired grant and records drift against approved decisions', async () => {
    const jit = approvedDecision(
      {
        kind: 'grant',
        identity: { type: 'role', name: 'batch' },
        entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
        durationHours: 8,
        justification: 'one-off data fix needs read access',
        owner: 'team-payments',
      },
      { expiresAt: daysAgo(1) },
    );
    await decisions.create(jit);
    const batch = aRole('batch', {
      attachedManagedPolicies: [
        { arn: READ_ONLY, name: 'ReadOnlyAccess' },
        { arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' },
      ],
    });

    const result = await scan(anInventory({ roles: [batch] }), T1);

    expect(revokes.details.map((d) => [d.decisionId, d.reason])).toEqual([[jit.id, 'grant-expired']]);
    expect(
      result.findings
        .filter((f) => f.type === 'unapproved-access')
        .map((f) => String(f.evidence.entitlement ?? 'identity'))
        .sort(),
    ).toEqual(['identity', 'managed-policy:arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(result.metrics.governance.policyViolations.unapprovedAccess).toBe(2);
  });

  it('keeps scanning when filing a revoke fails, and reports the failure', async () => {
    const jit = approvedDecision(
      {
        kind: 'grant',
        identity: { type: 'role', name: 'batch' },
        entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
        justification: 'one-off data fix needs read access',
        owner: 'team-payments',
      },
      { expiresAt: daysAgo(1) },
    );
    await decisions.create(jit);
    deps = { ...deps, revokes: { requestRevoke: async () => Promise.reject(new Error('bus unavailable')) } };

    const result = await scan(anInventory({ roles: [aRole('batch')] }), T1);

    expect(result.revokes.failed).toEqual([{ decisionId: jit.id, error: 'bus unavailable' }]);
    expect(await findings.get(findingId('expired-grant', 'role/batch', jit.id, ACCOUNT))).toMatchObject({
      status: 'open',
    });
  });

  it("stores provisioning latency from the day's complete records and denied attempts as violations", async () => {
    const day = T1.toISOString().slice(0, 10);
    const finished = (h: number) => `${day}T0${h}:00:00.000Z`;
    for (const [i, kind, latencyMs] of [
      [1, 'grant', 1000],
      [2, 'grant', 3000],
      [3, 'create-identity', 2000],
      [4, 'revoke', 500],
    ] as const) {
      await executions.append(
        anExecution({
          action: COMPLETE_ACTION,
          kind,
          latencyMs,
          startedAt: finished(i),
          finishedAt: finished(i),
        }),
      );
    }
    await executions.append(
      anExecution({ action: 'attach-role-policy', latencyMs: 99_999, finishedAt: finished(5) }),
    );
    await executions.append(
      anExecution({ action: COMPLETE_ACTION, status: 'failed', latencyMs: 10, finishedAt: finished(6) }),
    );
    const pending = aDecision();
    await decisions.create(pending);
    await decisions.recordDeniedAttempt({
      decisionId: pending.id,
      at: finished(7),
      actor: BOB,
      action: 'approve',
      code: 'SEPARATION_OF_DUTIES',
      reason: 'approver is the requester',
    });

    await scan(anInventory(), T1);

    const [metrics] = await findings.listMetrics(day, day);
    expect(metrics?.provisioning).toEqual({
      timeToGrant: { count: 3, medianMs: 2000, p95Ms: 3000, maxMs: 3000 },
      timeToRemove: { count: 1, medianMs: 500, p95Ms: 500, maxMs: 500 },
      failed: 1,
    });
    expect(metrics?.governance.policyViolations).toMatchObject({
      deniedAttempts: 1,
      deniedByCode: { SEPARATION_OF_DUTIES: 1 },
    });
  });
});

describe('runScan with certification campaigns', () => {
  it('counts a keep in a campaign as the last review, and reports review completion', async () => {
    const created = daysAgo(300);
    await campaigns.create(
      {
        id: 'c-campaign-0001',
        name: 'Q1 review',
        scope: {},
        createdBy: BOB,
        createdAt: daysAgo(20),
        dueAt: daysAgo(6),
        status: 'closed',
        policyVersion: policy.version,
        itemCount: 1,
        completedCount: 1,
        version: 2,
      },
      [
        {
          campaignId: 'c-campaign-0001',
          itemId: 'item-0001',
          identityKey: 'role/kept',
          entitlementKey: 'identity',
          outcome: 'keep',
          reviewer: BOB,
          reviewedAt: daysAgo(10),
          version: 2,
        },
      ],
    );
    const inventory = anInventory({
      roles: [aRole('kept', { createdAt: created }), aRole('forgotten', { createdAt: created })],
    });

    const result = await scan(inventory, T1);

    expect(
      result.findings.filter((f) => f.type === 'certification-overdue').map((f) => f.identityKey),
    ).toEqual(['role/forgotten']);
    expect(result.metrics.governance.reviewCompletion).toEqual({
      inScope: 2,
      reviewed: 1,
      overdue: 1,
      rate: 0.5,
    });
  });
});

describe('DynamoFindingStore batches', () => {
  it('writes and reads back more findings than one batch holds', async () => {
    const many = Array.from({ length: 260 }, (_, i) => aFinding({ identityKey: `role/r-${i}` }));
    await findings.putMany(many);
    const back = await findings.getMany([...many.map((f) => f.id), 'no-such-id']);
    expect(back.map((f) => f.id).sort()).toEqual(many.map((f) => f.id).sort());
    expect(await findings.listByStatus('open')).toHaveLength(260);
  });
});
