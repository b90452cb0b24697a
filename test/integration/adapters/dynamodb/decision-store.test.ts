import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../../lib/adapters/dynamodb/decision-store.js';
import { type Decision, transition } from '../../../../lib/domain/decision.js';
import { ConflictError, NotFoundError } from '../../../../lib/domain/errors.js';
import { ALICE, aDecision, BOB, CAROL } from '../../../support/builders.js';
import { createTestTables } from '../../../support/dynamo.js';

let store: DynamoDecisionStore;

beforeAll(async () => {
  const tables = await createTestTables();
  store = new DynamoDecisionStore(tables.doc, tables.names.decisions);
});

const approveBy = (d: Decision, approver: string, at = '2026-01-10T10:00:00.000Z') => {
  const approval = { approver, at, basis: 'tier low: security-approver*' };
  const withApproval = { ...d, approvals: [...d.approvals, approval] };
  return {
    next: transition(withApproval, { to: 'approved', actor: approver, at, action: 'approved' }),
    approval,
  };
};

describe('DynamoDecisionStore', () => {
  it('stores a decision and reads it back unchanged', async () => {
    // Arrange
    const decision = aDecision({ expiresAt: '2026-02-01T00:00:00.000Z' });
    // Act
    await store.create(decision);
    // Assert
    expect(await store.get(decision.id, { consistent: true })).toEqual(decision);
  });

  it('refuses to create a decision whose id exists', async () => {
    const decision = aDecision();
    await store.create(decision);
    await expect(store.create({ ...decision, owner: 'someone-else' })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.get(decision.id, { consistent: true }))?.owner).toBe('team-payments');
  });

  it('lets exactly one of two racing writers on the same version win', async () => {
    // Arrange: both writers read version 1
    const decision = aDecision();
    await store.create(decision);
    const approved = approveBy(decision, BOB);
    const rejected = transition(decision, {
      to: 'rejected',
      actor: CAROL,
      at: '2026-01-10T10:00:00.000Z',
      action: 'rejected',
    });
    // Act
    const results = await Promise.allSettled([
      store.update(approved.next, 1, { approval: approved.approval }),
      store.update(rejected, 1),
    ]);
    // Assert
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.reason).toBeInstanceOf(ConflictError);
    const stored = await store.get(decision.id, { consistent: true });
    expect(stored?.version).toBe(2);
    expect(stored?.history).toHaveLength(2);
    const winner = results[0]?.status === 'fulfilled' ? 'approved' : 'rejected';
    expect(stored?.status).toBe(winner);
  });

  it('lets exactly one of ten concurrent writers win', async () => {
    const decision = aDecision();
    await store.create(decision);
    const writers = Array.from({ length: 10 }, (_, i) =>
      store.update(
        transition(decision, {
          to: 'cancelled',
          actor: ALICE,
          at: `2026-01-10T10:00:0${i}.000Z`,
          action: 'cancelled',
          note: `writer ${i}`,
        }),
        1,
      ),
    );
    const results = await Promise.allSettled(writers);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(
      9,
    );
  });

  it('refuses a stale version with a ConflictError and leaves the item as it was', async () => {
    const decision = aDecision();
    await store.create(decision);
    const v2 = transition(decision, {
      to: 'approved',
      actor: BOB,
      at: '2026-01-10T10:00:00.000Z',
      action: 'approved',
    });
    await store.update(v2, 1);
    const stale = transition(decision, {
      to: 'rejected',
      actor: CAROL,
      at: '2026-01-10T11:00:00.000Z',
      action: 'rejected',
    });
    await expect(store.update(stale, 1)).rejects.toThrow(/changed by someone else .*version 2, approved/);
    expect(await store.get(decision.id, { consistent: true })).toEqual(v2);
  });

  it('reports a missing decision as NotFoundError on update', async () => {
    const decision = aDecision();
    await expect(
      store.update(
        transition(decision, {
          to: 'cancelled',
          actor: ALICE,
          at: '2026-01-10T10:00:00.000Z',
          action: 'cancelled',
        }),
        1,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.get(decision.id)).toBeUndefined();
  });

  it('counts one approver once: a second approval by the same principal is refused in the transaction', async () => {
    // Arrange: a two-approval decision that BOB already approved once (version 2, still pending)
    const decision = aDecision({ requiredApprovals: 2, tier: 'high' });
    await store.create(decision);
    const first = { approver: BOB, at: '2026-01-10T10:00:00.000Z', basis: 'tier high' };
    const v2: Decision = { ...decision, version: 2, approvals: [first], updatedAt: first.at };
    await store.update(v2, 1, { approval: first });
    // Act: BOB again, on the current version
    const again = { approver: BOB, at: '2026-01-10T10:05:00.000Z', basis: 'tier high' };
    const v3 = transition(
      { ...v2, approvals: [first, again] },
      { to: 'approved', actor: BOB, at: again.at, action: 'approved' },
    );
    // Assert
    await expect(store.update(v3, 2, { approval: again })).rejects.toThrow(/already approved/);
    expect(await store.get(decision.id, { consistent: true })).toEqual(v2);
    expect(await store.listApprovalsBy(BOB)).toEqual(
      expect.arrayContaining([expect.objectContaining({ decisionId: decision.id, at: first.at })]),
    );
    expect((await store.listApprovalsBy(BOB)).filter((a) => a.decisionId === decision.id)).toHaveLength(1);
  });

  it('answers "which decisions are pending" and "which expire before T" from the indexes', async () => {
    const tables = await createTestTables();
    const own = new DynamoDecisionStore(tables.doc, tables.names.decisions);
    const pending = aDecision({ createdAt: '2026-01-01T00:00:00.000Z' });
    const soon = aDecision({ status: 'approved', version: 2, expiresAt: '2026-01-15T00:00:00.000Z' });
    const late = aDecision({ status: 'approved', version: 2, expiresAt: '2026-03-01T00:00:00.000Z' });
    const standing = aDecision({ status: 'approved', version: 2 });
    for (const d of [pending, soon, late, standing]) await own.create(d);

    expect((await own.listByStatus('pending')).map((d) => d.id)).toEqual([pending.id]);
    expect((await own.listByStatus('approved')).map((d) => d.id).sort()).toEqual(
      [soon.id, late.id, standing.id].sort(),
    );
    expect((await own.listExpiringBefore('approved', '2026-01-15T00:00:00.000Z')).map((d) => d.id)).toEqual([
      soon.id,
    ]);
    expect((await own.listExpiringBefore('approved', '2026-12-31T00:00:00.000Z')).map((d) => d.id)).toEqual([
      soon.id,
      late.id,
    ]);
    expect(await own.listExpiringBefore('pending', '2026-12-31T00:00:00.000Z')).toEqual([]);
  });

  it('moves a decision between status partitions of the index when it transitions', async () => {
    const tables = await createTestTables();
    const own = new DynamoDecisionStore(tables.doc, tables.names.decisions);
    const d = aDecision();
    await own.create(d);
    await own.update(
      transition(d, { to: 'rejected', actor: BOB, at: '2026-01-11T00:00:00.000Z', action: 'rejected' }),
      1,
    );
    expect(await own.listByStatus('pending')).toEqual([]);
    expect((await own.listByStatus('rejected')).map((x) => x.id)).toEqual([d.id]);
  });

  it('lists every decision about one identity, and keeps denied attempts beside the decision without changing it', async () => {
    const tables = await createTestTables();
    const own = new DynamoDecisionStore(tables.doc, tables.names.decisions);
    const a = aDecision({ createdAt: '2026-01-01T00:00:00.000Z' });
    const b = aDecision({ createdAt: '2026-01-02T00:00:00.000Z' });
    const other = aDecision({
      identityKey: 'user/ci-deployer',
      request: {
        kind: 'delete-identity',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'pipeline retired in Q1',
      },
      kind: 'delete-identity',
    });
    for (const d of [a, b, other]) await own.create(d);
    await own.recordDeniedAttempt({
      decisionId: a.id,
      at: '2026-01-03T00:00:00.000Z',
      actor: ALICE,
      action: 'approve',
      code: 'SEPARATION_OF_DUTIES',
      reason: 'requester cannot approve own request',
    });

    expect((await own.listByIdentity('role/payments-batch')).map((d) => d.id)).toEqual([a.id, b.id]);
    expect(await own.listDeniedAttempts(a.id)).toEqual([
      expect.objectContaining({ actor: ALICE, code: 'SEPARATION_OF_DUTIES' }),
    ]);
    expect(await own.listDeniedAttemptsSince('2026-01-01T00:00:00.000Z')).toHaveLength(1);
    expect(await own.listDeniedAttemptsSince('2026-01-04T00:00:00.000Z')).toHaveLength(0);
    expect(await own.get(a.id, { consistent: true })).toEqual(a);
  });
});
