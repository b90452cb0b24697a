import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { upgradeDecisionKeys } from '../../../lib/adapters/dynamodb/decision-key-upgrade.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import { ulidGenerator } from '../../../lib/adapters/system.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { createGovernance } from '../../../lib/domain/governance/index.js';
import { hubDecisionId, type MigrationOptions, migrateToHub } from '../../../scripts/lib/hub-migration.js';
import { ALICE, aFinding, anExecution, BOB } from '../../support/builders.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';
import { orgPolicy } from '../../support/org-policy.js';
import { diff, harness, movableClock, snapshot } from '../governance/harness.js';

const ACCOUNT = '444455556666';
const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};

let source: TestTables;
let hub: TestTables;
let old: { approved: Decision; revoke: Decision; pending: Decision; ended: Decision };
const options = (): MigrationOptions => ({
  accountId: ACCOUNT,
  decisions: { from: source.names.decisions, to: hub.names.decisions },
  executions: { from: source.names.executions, to: hub.names.executions },
  findings: { from: source.names.findings, to: hub.names.findings },
});

// The old layout: a single-account deployment whose decisions carry no account.
beforeAll(async () => {
  const h = await harness();
  source = h.tables;
  hub = await createTestTables();
  const approvedGrant = await h.gov.submit({ request: grant, requester: ALICE, source: 'api' });
  await expect(h.gov.approve({ id: approvedGrant.id, actor: ALICE })).rejects.toThrow(); // a refusal on record
  const approved = await h.gov.approve({ id: approvedGrant.id, actor: BOB });
  const ended = await h.gov.submit({
    request: { ...grant, identity: { type: 'role', name: 'old-job' } },
    requester: ALICE,
    source: 'api',
  });
  await h.gov.approve({ id: ended.id, actor: BOB });
  const revoke = await h.gov.submit({
    request: {
      ...grant,
      identity: { type: 'role', name: 'old-job' },
      kind: 'revoke',
      revokes: ended.id,
      justification: 'job retired last week',
    },
    requester: BOB,
    source: 'api',
  });
  const pending = await h.gov.submit({
    request: { ...grant, identity: { type: 'role', name: 'etl' } },
    requester: ALICE,
    source: 'cli',
  });
  const trail = new DynamoExecutionTrail(source.doc, source.names.executions);
  await trail.append(anExecution({ decisionId: approved.id, decisionVersion: approved.version, step: 0 }));
  await trail.append(
    anExecution({ decisionId: approved.id, decisionVersion: approved.version, step: 1, action: 'complete' }),
  );
  await new DynamoFindingStore(source.doc, source.names.findings).put(aFinding({ accountId: ACCOUNT }));
  await new DynamoScanLog(source.doc, source.names.findings).recordScan({
    accountId: ACCOUNT,
    asOf: '2026-03-01T00:00:00.000Z',
    ranAt: '2026-03-01T00:00:00.000Z',
    source: 'snapshot',
  });
  old = { approved, revoke, pending, ended };
});

describe('migration of a deployment into the organization hub (DynamoDB Local)', () => {
  it('copies every decision, approval, refusal and execution record re-keyed by account, verified by counts', async () => {
    // Act
    const result = await migrateToHub(hub.doc, options());
    // Assert: counts
    expect(result.complete).toBe(true);
    expect(result.decisionIds).toBe(4);
    for (const t of result.tables) {
      const total = Object.values(t.source).reduce((n, c) => n + c, 0);
      expect(t.verified).toBe(total);
      expect(t.written).toBe(total);
    }
    expect(result.tables[0]?.source).toMatchObject({ decision: 4, APPROVAL: 3, ATTEMPT: 1 });
    // Every decision is in the hub under its account-first id, with its account and its references
    const decisions = new DynamoDecisionStore(hub.doc, hub.names.decisions);
    const approvedId = hubDecisionId(ACCOUNT, old.approved.id);
    expect(approvedId).toBe(`${ACCOUNT}-${old.approved.id}`);
    const moved = await decisions.get(approvedId, { consistent: true });
    expect(moved).toMatchObject({
      status: 'approved',
      accountId: ACCOUNT,
      migratedFrom: old.approved.id,
      version: old.approved.version,
    });
    const endedId = hubDecisionId(ACCOUNT, old.ended.id);
    expect((await decisions.get(hubDecisionId(ACCOUNT, old.revoke.id)))?.revokes).toBe(endedId);
    expect((await decisions.get(endedId))?.status).toBe('revoked');
    expect((await decisions.listApprovalsBy(BOB)).map((a) => a.decisionId)).toContain(approvedId);
    expect((await decisions.listDeniedAttempts(approvedId)).length).toBe(1);
    // The hub's account-scoped index keys: the member of ACCOUNT finds its migrated decisions by
    // status and by identity, and the refusal on its grant (DynamoDecisionStore read scope).
    const member = new DynamoDecisionStore(hub.doc, hub.names.decisions, { account: ACCOUNT });
    expect((await member.listByStatus('approved')).map((d) => d.id)).toContain(approvedId);
    expect((await member.listByIdentity('role/old-job')).map((d) => d.id).sort()).toEqual(
      [endedId, hubDecisionId(ACCOUNT, old.revoke.id)].sort(),
    );
    expect(
      (await member.listDeniedAttemptsSince('2000-01-01T00:00:00.000Z')).map((a) => a.decisionId),
    ).toEqual([approvedId]);
    expect((await upgradeDecisionKeys(hub.doc, hub.names.decisions)).updated).toBe(0);
    // Every copied decision is marked, so the hub's pipes never dispatch its INSERT.
    for (const d of Object.values(old))
      expect((await decisions.get(hubDecisionId(ACCOUNT, d.id)))?.migratedFrom).toBe(d.id);
    // The execution trail follows its decision
    const records = await new DynamoExecutionTrail(hub.doc, hub.names.executions).listForDecision(approvedId);
    expect(records.map((r) => [r.decisionId, r.step, r.migratedFrom])).toEqual([
      [approvedId, 0, old.approved.id],
      [approvedId, 1, old.approved.id],
    ]);
  });

  it('changes nothing when run again, and resumes a copy that stopped part-way', async () => {
    // Arrange: the hub as the first run left it, less one approval (a run that stopped)
    await migrateToHub(hub.doc, options());
    const approvedId = hubDecisionId(ACCOUNT, old.approved.id);
    const full = await snapshot(hub);
    const approval = full.find(
      (i) => i.pk === `DECISION#${approvedId}` && String(i.sk).startsWith('APPROVAL#'),
    );
    await hub.doc.send(
      new DeleteCommand({ TableName: hub.names.decisions, Key: { pk: approval?.pk, sk: approval?.sk } }),
    );
    // Act
    const resumed = await migrateToHub(hub.doc, options());
    const again = await migrateToHub(hub.doc, options());
    // Assert
    expect(resumed.tables[0]?.written).toBe(1);
    expect(resumed.complete).toBe(true);
    expect(again.tables.map((t) => t.written)).toEqual([0, 0, 0]);
    expect(await snapshot(hub)).toEqual(full);
  });

  it('reports an item the hub holds with other content and leaves it as it is', async () => {
    await migrateToHub(hub.doc, options());
    const pendingId = hubDecisionId(ACCOUNT, old.pending.id);
    const before = await snapshot(hub);
    const item = before.find((i) => i.pk === `DECISION#${pendingId}` && i.sk === 'DECISION') as Record<
      string,
      unknown
    >;
    const { table: _table, ...stored } = item;
    const changed = { ...stored, justification: 'someone else wrote this item' };
    await hub.doc.send(new PutCommand({ TableName: hub.names.decisions, Item: changed }));
    const result = await migrateToHub(hub.doc, options());
    expect(result.complete).toBe(false);
    expect(result.tables[0]?.conflicts).toEqual([`DECISION#${pendingId} DECISION`]);
    const { added, removedOrChanged } = diff(before, await snapshot(hub));
    expect(added.map((i) => i.justification)).toEqual(['someone else wrote this item']);
    expect(removedOrChanged).toHaveLength(1);
    await hub.doc.send(new PutCommand({ TableName: hub.names.decisions, Item: stored }));
  });

  it('leaves the moved decisions governable in the hub: the approved grant is revoked by its requester', async () => {
    await migrateToHub(hub.doc, options());
    const gov = createGovernance({
      decisions: new DynamoDecisionStore(hub.doc, hub.names.decisions),
      policy: orgPolicy(),
      clock: movableClock('2026-03-03T09:00:00.000Z'),
      ids: ulidGenerator,
    });
    const revoked = await gov.revoke({ id: hubDecisionId(ACCOUNT, old.approved.id), actor: ALICE });
    expect(revoked).toMatchObject({ status: 'revoked', accountId: ACCOUNT, migratedFrom: old.approved.id });
  });

  it('refuses a bad account or a table copied onto itself before reading anything', async () => {
    await expect(migrateToHub(hub.doc, { ...options(), accountId: '44445555666' })).rejects.toThrow(
      /--account "44445555666"/,
    );
    await expect(
      migrateToHub(hub.doc, {
        ...options(),
        decisions: { from: hub.names.decisions, to: hub.names.decisions },
      }),
    ).rejects.toThrow(/both source and target/);
  });
});
