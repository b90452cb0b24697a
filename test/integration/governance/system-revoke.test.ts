import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../lib/domain/errors.js';
import { createGovernance, SYSTEM_PRINCIPAL } from '../../../lib/domain/governance/index.js';
import { ALICE, BOB } from '../../support/builders.js';
import { type Harness, harness, snapshot } from './harness.js';

const ONCALL = 'arn:aws:sts::111122223333:assumed-role/oncall-dana/session-1';

const jitGrant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  durationHours: 4,
  justification: 'investigating the ledger mismatch of ticket PAY-12',
  owner: 'team-payments',
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('fileSystemRevoke', () => {
  it('files one auto-approved system revoke for an expired JIT grant and revokes the grant, idempotently', async () => {
    // Arrange: an approved 4-hour grant, then time passes beyond its expiry
    const grant = await h.gov.submit({ request: jitGrant, requester: ALICE, source: 'api' });
    const approved = await h.gov.approve({ id: grant.id, actor: BOB });
    expect(approved.expiresAt).toBe('2026-03-02T13:00:00.000Z');
    h.clock.set('2026-03-02T13:00:30.000Z');
    const detail = {
      schemaVersion: '1' as const,
      decisionId: grant.id,
      reason: 'jit-expiry' as const,
      requestedBy: 'system:scheduler',
      requestedAt: '2026-03-02T13:00:00.000Z',
    };
    // Act
    const first = await h.gov.fileSystemRevoke(detail);
    const second = await h.gov.fileSystemRevoke(detail);
    // Assert
    expect(first).toMatchObject({
      kind: 'revoke',
      status: 'approved',
      source: 'system',
      requester: SYSTEM_PRINCIPAL,
      revokes: grant.id,
      policyVersion: h.policy.version,
      approvals: [{ approver: SYSTEM_PRINCIPAL, basis: 'auto-approve:revoke-is-always-safe' }],
    });
    expect(second?.id).toBe(first?.id);
    const revokes = (await h.decisions.listByIdentity('role/payments-batch')).filter(
      (d) => d.kind === 'revoke',
    );
    expect(revokes).toHaveLength(1);
    const after = await h.decisions.get(grant.id, { consistent: true });
    expect(after?.status).toBe('revoked');
    expect(after?.statusReason).toBe(`revoked by decision ${first?.id}`);
  });

  it('refuses an expiry revoke before the grant has expired and writes nothing', async () => {
    const grant = await h.gov.submit({ request: jitGrant, requester: ALICE, source: 'api' });
    await h.gov.approve({ id: grant.id, actor: BOB });
    const before = await h.decisions.listByIdentity('role/payments-batch');
    await expect(
      h.gov.fileSystemRevoke({
        schemaVersion: '1',
        decisionId: grant.id,
        reason: 'jit-expiry',
        requestedBy: 'system:scheduler',
        requestedAt: '2026-03-02T10:00:00.000Z',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await h.decisions.listByIdentity('role/payments-batch')).toEqual(before);
  });

  it('refuses a RevokeRequested with reason certification (no expiry bypass) and writes nothing', async () => {
    // Arrange: a live standing grant; a forged event claims a certification revoke
    const { durationHours: _d, ...standing } = jitGrant;
    const grant = await h.gov.submit({ request: standing, requester: ALICE, source: 'api' });
    await h.gov.approve({ id: grant.id, actor: BOB });
    const before = await snapshot(h.tables);
    // Act
    const forged = h.gov.fileSystemRevoke({
      schemaVersion: '1',
      decisionId: grant.id,
      reason: 'certification',
      requestedBy: 'system:scanner',
      requestedAt: '2026-03-02T10:00:00.000Z',
    } as never);
    // Assert: refused as invalid input, naming the field; the grant stays approved
    await expect(forged).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/reason/),
    });
    expect(await snapshot(h.tables)).toEqual(before);
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('approved');
  });

  it('expires an approved exception instead of filing a revoke, and answers a replay with the same decision', async () => {
    const exception = await h.gov.submit({
      requester: ALICE,
      source: 'api',
      request: {
        kind: 'exception',
        identity: { type: 'user', name: 'legacy-ftp' },
        findingTypes: ['unrotated-access-key'],
        riskAcceptance: {
          owner: 'team-legacy',
          risk: 'the vendor cannot take a new key before the migration',
          compensatingControls: ['source IP condition on the key'],
          residualSeverity: 'medium',
        },
        expiresAt: '2026-03-20T00:00:00.000Z',
        justification: 'vendor migration finishes in March',
      },
    });
    await h.gov.approve({ id: exception.id, actor: BOB });
    await h.gov.approve({
      id: exception.id,
      actor: 'arn:aws:iam::111122223333:role/security-approver-carol',
    });
    h.clock.set('2026-03-21T00:00:00.000Z');
    const detail = {
      schemaVersion: '1' as const,
      decisionId: exception.id,
      reason: 'exception-expired' as const,
      requestedBy: 'system:scanner',
      requestedAt: '2026-03-21T00:00:00.000Z',
    };
    const first = await h.gov.fileSystemRevoke(detail);
    const second = await h.gov.fileSystemRevoke(detail);
    expect(first?.status).toBe('expired');
    expect(second).toEqual(first);
    expect((await h.decisions.listByIdentity('user/legacy-ftp')).map((d) => d.kind)).toEqual(['exception']);
  });

  it('revokes an expired break-glass activation', async () => {
    const bg = await h.gov.submit({
      requester: ONCALL,
      source: 'api',
      request: {
        kind: 'break-glass',
        identity: { type: 'role', name: 'payments-api' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
        durationMinutes: 60,
        justification: 'SEV1: payments API is down, need to restart the cluster',
        owner: 'team-payments',
      },
    });
    expect(bg.status).toBe('approved');
    h.clock.set('2026-03-02T10:00:00.000Z');
    const revoke = await h.gov.fileSystemRevoke({
      schemaVersion: '1',
      decisionId: bg.id,
      reason: 'break-glass-expired',
      requestedBy: 'system:scheduler',
      requestedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(revoke).toMatchObject({ kind: 'revoke', status: 'approved', revokes: bg.id });
    expect((await h.decisions.get(bg.id))?.status).toBe('revoked');
  });
});

describe('fileSystemRevoke after a run that died between its two writes (found by the soak)', () => {
  it('finishes the auto-approval on the retry, so the expired grant ends instead of staying in force', async () => {
    // Arrange: an expired JIT grant; the first run files the revoke, then dies before approving it.
    const grant = await h.gov.submit({ request: jitGrant, requester: ALICE, source: 'api' });
    await h.gov.approve({ id: grant.id, actor: BOB });
    h.clock.set('2026-03-02T13:00:30.000Z');
    const detail = {
      schemaVersion: '1' as const,
      decisionId: grant.id,
      reason: 'jit-expiry' as const,
      requestedBy: 'system:scheduler',
      requestedAt: '2026-03-02T13:00:00.000Z',
    };
    const dying = createGovernance({
      ...h.deps,
      decisions: Object.assign(Object.create(h.decisions), {
        update: async () => {
          throw new Error('the function died after filing the revoke');
        },
      }),
    });
    await expect(dying.fileSystemRevoke(detail)).rejects.toThrow(/died/);
    const filed = (await h.decisions.listByIdentity('role/payments-batch')).find((d) => d.kind === 'revoke');
    expect(filed?.status).toBe('pending');

    // Act: the event's retry, on a healthy function.
    const retried = await h.gov.fileSystemRevoke(detail);

    // Assert: the same revoke, now approved, and the grant revoked by it.
    expect(retried).toMatchObject({ id: filed?.id, status: 'approved', source: 'system' });
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('revoked');
    const again = await h.gov.fileSystemRevoke(detail);
    expect(again).toMatchObject({ id: filed?.id, status: 'approved', version: retried?.version });
  });
});
