import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../../lib/domain/errors.js';
import { PolicyDeniedError } from '../../../lib/domain/governance/index.js';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { diff, type Harness, harness, snapshot } from './harness.js';

const readOnlyGrant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};
const adminGrant = {
  ...readOnlyGrant,
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
  durationHours: 2,
};
const OPERATOR = 'arn:aws:sts::111122223333:assumed-role/platform-operator-eve/eve@example.com';
const EXECUTOR = 'arn:aws:sts::111122223333:assumed-role/nhi-gov-provision/fn-session';
const BOB_SESSION_2 = 'arn:aws:sts::111122223333:assumed-role/security-approver-bob/laptop';
const ONCALL = 'arn:aws:sts::111122223333:assumed-role/oncall-dana/pager';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

/** Runs a refused call and returns its error and what it added to / changed in the tables. */
async function refused(call: () => Promise<unknown>) {
  const before = await snapshot(h.tables);
  const error = await call().then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: unknown) => e,
  );
  const changes = diff(before, await snapshot(h.tables));
  return { error, ...changes };
}

describe('separation of duties (DynamoDB Local)', () => {
  it('lets exactly one of two approvers racing on the same decision make the transition', async () => {
    // Arrange: a one-approval grant
    const pending = await h.gov.submit({ request: readOnlyGrant, requester: ALICE, source: 'api' });
    // Act
    const results = await Promise.allSettled([
      h.gov.approve({ id: pending.id, actor: BOB }),
      h.gov.approve({ id: pending.id, actor: CAROL }),
    ]);
    // Assert
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failure?.reason).toBeInstanceOf(ConflictError);
    const stored = await h.decisions.get(pending.id, { consistent: true });
    expect(stored).toMatchObject({ status: 'approved', version: 2 });
    expect(stored?.approvals).toHaveLength(1);
    expect(stored?.history.map((e) => e.action)).toEqual(['submitted', 'approved']);
    const approvalItems = (await snapshot(h.tables)).filter((i) => i.entity === 'approval');
    expect(approvalItems).toHaveLength(1);
  });

  it('refuses self-approval, also from another session of the same role, and records only the denied attempt', async () => {
    const bobRequest = await h.gov.submit({ request: readOnlyGrant, requester: BOB, source: 'api' });
    const { error, added, removedOrChanged } = await refused(() =>
      h.gov.approve({ id: bobRequest.id, actor: BOB_SESSION_2 }),
    );
    expect(error).toBeInstanceOf(SeparationOfDutiesError);
    expect((error as SeparationOfDutiesError).code).toBe('SEPARATION_OF_DUTIES');
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.objectContaining({
        entity: 'denied-attempt',
        decisionId: bobRequest.id,
        actor: BOB_SESSION_2,
        action: 'approve',
      }),
    ]);
    expect(await h.decisions.get(bobRequest.id, { consistent: true })).toEqual(bobRequest);
  });

  it.each([
    ['a policy operator', OPERATOR],
    ['an executor role', EXECUTOR],
  ])('refuses approval by %s, even when it also matches an approver pattern', async (_label, actor) => {
    // The operator is listed as an approver too: operators never approve, whatever else the policy says.
    const doc = structuredClone(h.policy.document);
    doc.tiers.low?.approvers.push('arn:aws:sts::*:assumed-role/*/*');
    const own = await harness({ ...h.policy, document: doc });
    h = own;
    const pending = await own.gov.submit({ request: readOnlyGrant, requester: ALICE, source: 'api' });
    const { error, added, removedOrChanged } = await refused(() =>
      own.gov.approve({ id: pending.id, actor }),
    );
    expect(error).toBeInstanceOf(SeparationOfDutiesError);
    expect((error as Error).message).toMatch(/operator or executor/);
    expect(removedOrChanged).toEqual([]);
    expect(added.map((i) => i.entity)).toEqual(['denied-attempt']);
    expect((await own.decisions.get(pending.id, { consistent: true }))?.status).toBe('pending');
  });

  it('counts one approver once towards a quorum, whatever the session', async () => {
    // Arrange: AdministratorAccess is tier high, two approvals; BOB approves once
    const pending = await h.gov.submit({ request: adminGrant, requester: ALICE, source: 'api' });
    expect(pending).toMatchObject({ tier: 'high', requiredApprovals: 2 });
    const afterBob = await h.gov.approve({ id: pending.id, actor: BOB });
    expect(afterBob).toMatchObject({ status: 'pending', version: 2 });
    // Act: BOB again from another session
    const { error, added, removedOrChanged } = await refused(() =>
      h.gov.approve({ id: pending.id, actor: BOB_SESSION_2 }),
    );
    // Assert
    expect(error).toBeInstanceOf(SeparationOfDutiesError);
    expect((error as Error).message).toMatch(/counts once/);
    expect(removedOrChanged).toEqual([]);
    expect(added.map((i) => i.entity)).toEqual(['denied-attempt']);
    // CAROL completes the quorum
    const approved = await h.gov.approve({ id: pending.id, actor: CAROL });
    expect(approved).toMatchObject({ status: 'approved', version: 3, policyVersion: h.policy.version });
    expect(approved.approvals.map((a) => a.approver)).toEqual([BOB, CAROL]);
    expect(approved.expiresAt).toBe('2026-03-02T11:00:00.000Z');
  });

  it('refuses an approver the tier does not list (team lead on a high-tier grant) as a policy denial', async () => {
    const pending = await h.gov.submit({ request: adminGrant, requester: BOB, source: 'api' });
    const { error, added, removedOrChanged } = await refused(() =>
      h.gov.approve({ id: pending.id, actor: ALICE }),
    );
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect((error as PolicyDeniedError).code).toBe('POLICY_DENIED');
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([expect.objectContaining({ entity: 'denied-attempt', code: 'POLICY_DENIED' })]);
  });

  it('never counts an IAM user whose path spells an approver role (segment-safe principal patterns)', async () => {
    // Arrange: IAM user paths may contain ':' and '/', so these users' ARNs contain `:role/security-approver`
    const MALLORY = 'arn:aws:iam::111122223333:user/x:role/security-approver/mallory';
    const MALLORY_2 = 'arn:aws:iam::111122223333:user/y:role/security-approver-2/trent';
    const pending = await h.gov.submit({ request: adminGrant, requester: ALICE, source: 'api' });
    // Act
    const first = await refused(() => h.gov.approve({ id: pending.id, actor: MALLORY }));
    const second = await refused(() => h.gov.approve({ id: pending.id, actor: MALLORY_2 }));
    // Assert: both refused as invalid input (IAM paths hold no ':', principal.ts), nothing written
    for (const { error, added, removedOrChanged } of [first, second]) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/approver ".*" is not an IAM principal ARN/);
      expect(removedOrChanged).toEqual([]);
      expect(added).toEqual([]);
    }
    expect(await h.decisions.get(pending.id, { consistent: true })).toMatchObject({
      status: 'pending',
      approvals: [],
      version: 1,
    });
  });

  it('refuses approving a decision that is no longer pending with a conflict and writes nothing', async () => {
    const pending = await h.gov.submit({ request: readOnlyGrant, requester: ALICE, source: 'api' });
    await h.gov.reject({ id: pending.id, actor: CAROL, note: 'use the reporting replica instead' });
    const { error, added, removedOrChanged } = await refused(() =>
      h.gov.approve({ id: pending.id, actor: BOB }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(added).toEqual([]);
    expect(removedOrChanged).toEqual([]);
  });
});

describe('exceptions (DynamoDB Local)', () => {
  const exception = (expiresAt?: string) => ({
    kind: 'exception',
    identity: { type: 'user', name: 'legacy-ftp' },
    findingTypes: ['unrotated-access-key'],
    riskAcceptance: {
      owner: 'team-legacy',
      risk: 'the vendor cannot take a new key before the migration',
      compensatingControls: ['source IP condition on the key'],
      residualSeverity: 'medium',
    },
    justification: 'vendor migration finishes in March',
    ...(expiresAt ? { expiresAt } : {}),
  });

  it('refuses an exception without an expiry as invalid input and writes nothing', async () => {
    const { error, added } = await refused(() =>
      h.gov.submit({ request: exception(), requester: ALICE, source: 'api' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: 'expiresAt' })]);
    expect(added).toEqual([]);
  });

  it('refuses an exception longer than the policy allows, keeping only the denied attempt', async () => {
    // 90 days is the default maximum; START is 2026-03-02
    const { error, added, removedOrChanged } = await refused(() =>
      h.gov.submit({ request: exception('2026-06-15T00:00:00.000Z'), requester: ALICE, source: 'api' }),
    );
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect((error as Error).message).toMatch(/maximum exception of 90 days/);
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.objectContaining({ entity: 'denied-attempt', action: 'submit exception', actor: ALICE }),
    ]);
  });

  it('renews an approved exception as a new decision that references the old one, leaving the old unchanged', async () => {
    const first = await h.gov.submit({
      request: exception('2026-04-01T00:00:00.000Z'),
      requester: ALICE,
      source: 'api',
    });
    expect(first).toMatchObject({ tier: 'high', requiredApprovals: 2, owner: 'team-legacy' });
    await h.gov.approve({ id: first.id, actor: BOB });
    const approved = await h.gov.approve({ id: first.id, actor: CAROL });
    h.clock.set('2026-03-25T00:00:00.000Z');
    const renewal = await h.gov.renewException({
      id: first.id,
      requester: ALICE,
      source: 'api',
      body: { expiresAt: '2026-05-01T00:00:00.000Z', justification: 'migration slipped to April' },
    });
    expect(renewal).toMatchObject({
      kind: 'exception',
      status: 'pending',
      renewalOf: first.id,
      expiresAt: '2026-05-01T00:00:00.000Z',
      request: { findingTypes: ['unrotated-access-key'], renewalOf: first.id },
    });
    expect(await h.decisions.get(first.id, { consistent: true })).toEqual(approved);
  });
});

describe('break-glass (DynamoDB Local)', () => {
  const breakGlass = (overrides: Record<string, unknown> = {}) => ({
    kind: 'break-glass',
    identity: { type: 'role', name: 'payments-api' },
    entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
    durationMinutes: 60,
    justification: 'SEV1: payments API is down, need to restart the cluster',
    owner: 'team-payments',
    ...overrides,
  });

  it('self-activates within policy, with expiry and review window, and needs a review by someone else', async () => {
    const activated = await h.gov.submit({ request: breakGlass(), requester: ONCALL, source: 'api' });
    expect(activated).toMatchObject({
      status: 'approved',
      version: 2,
      expiresAt: '2026-03-02T10:00:00.000Z',
      reviewDueAt: '2026-03-03T09:00:00.000Z',
      approvals: [{ basis: 'break-glass:self-activation' }],
    });
    const self = await refused(() => h.gov.review({ id: activated.id, actor: ONCALL, outcome: 'confirm' }));
    expect(self.error).toBeInstanceOf(SeparationOfDutiesError);
    expect(self.added.map((i) => i.entity)).toEqual(['denied-attempt']);
    const reviewed = await h.gov.review({
      id: activated.id,
      actor: BOB,
      outcome: 'confirm',
      note: 'cluster restart justified',
    });
    expect(reviewed).toMatchObject({
      status: 'approved',
      reviewedBy: BOB,
      reviewedAt: '2026-03-02T09:00:00.000Z',
      version: 3,
    });
    await expect(h.gov.review({ id: activated.id, actor: CAROL, outcome: 'confirm' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('refuses break-glass without a justification as invalid input and writes nothing', async () => {
    const { justification: _j, ...withoutJustification } = breakGlass();
    const { error, added } = await refused(() =>
      h.gov.submit({ request: withoutJustification, requester: ONCALL, source: 'api' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['justification']);
    expect(added).toEqual([]);
  });

  it('refuses break-glass beyond the maximum duration, keeping only the denied attempt', async () => {
    const { error, added, removedOrChanged } = await refused(() =>
      h.gov.submit({ request: breakGlass({ durationMinutes: 241 }), requester: ONCALL, source: 'api' }),
    );
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect((error as Error).message).toMatch(/maximum of 240 minutes/);
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.objectContaining({ entity: 'denied-attempt', action: 'submit break-glass' }),
    ]);
  });

  it('refuses break-glass by a requester the policy does not list', async () => {
    const { error, added } = await refused(() =>
      h.gov.submit({ request: breakGlass(), requester: ALICE, source: 'api' }),
    );
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect((error as Error).message).toMatch(/breakGlass.requesters/);
    expect(added.map((i) => i.entity)).toEqual(['denied-attempt']);
  });
});
