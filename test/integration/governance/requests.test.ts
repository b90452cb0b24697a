import { beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../lib/domain/errors.js';
import { PolicyDeniedError, SYSTEM_PRINCIPAL } from '../../../lib/domain/governance/index.js';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { type Harness, harness, snapshot } from './harness.js';

const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('governance requests (DynamoDB Local)', () => {
  it('stores a pending grant with its tier, quorum, owner and policy version', async () => {
    const d = await h.gov.submit({ request: { ...grant, ticket: 'PAY-1' }, requester: ALICE, source: 'api' });
    expect(d).toMatchObject({
      status: 'pending',
      version: 1,
      tier: 'low',
      requiredApprovals: 1,
      owner: 'team-payments',
      requester: ALICE,
      policyVersion: h.policy.version,
      identityKey: 'role/payments-batch',
    });
    expect(await h.decisions.get(d.id, { consistent: true })).toEqual(d);
  });

  it('auto-approves routine rotation on the policy rule, recorded as a system approval', async () => {
    const d = await h.gov.submit({
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'quarterly key rotation',
      },
      requester: ALICE,
      source: 'api',
    });
    expect(d).toMatchObject({
      status: 'approved',
      version: 2,
      approvals: [{ approver: SYSTEM_PRINCIPAL, basis: 'auto-approve:routine-rotation' }],
    });
    expect(d.history.map((e) => e.action)).toEqual(['submitted', 'auto-approved']);
    expect(await h.decisions.listApprovalsBy(SYSTEM_PRINCIPAL)).toHaveLength(1);
  });

  it('refuses an entitlement the policy does not list, and a grant beyond the maximum duration', async () => {
    const before = await snapshot(h.tables);
    await expect(
      h.gov.submit({
        request: {
          ...grant,
          entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' },
        },
        requester: ALICE,
        source: 'api',
      }),
    ).rejects.toThrow(/does not allow granting arn:aws:iam::aws:policy\/AmazonS3FullAccess/);
    await expect(
      h.gov.submit({ request: { ...grant, durationHours: 721 }, requester: ALICE, source: 'api' }),
    ).rejects.toBeInstanceOf(PolicyDeniedError);
    const added = (await snapshot(h.tables)).length - before.length;
    expect(added).toBe(2);
    expect(
      (await h.decisions.listDeniedAttemptsSince('2026-01-01T00:00:00.000Z')).map((a) => a.code),
    ).toEqual(['POLICY_DENIED', 'POLICY_DENIED']);
  });

  it('names every invalid field of a bad request and writes nothing', async () => {
    const before = await snapshot(h.tables);
    const error = await h.gov
      .submit({
        request: {
          kind: 'grant',
          identity: { type: 'group', name: 'x y' },
          entitlement: { type: 'managed-policy', policyArn: 'nope' },
          justification: 'short',
          owner: 'team-payments',
        },
        requester: ALICE,
        source: 'api',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'entitlement.policyArn',
      'identity.name',
      'identity.type',
      'justification',
    ]);
    expect(await snapshot(h.tables)).toEqual(before);
  });

  it('returns the first decision for a repeated idempotency key instead of filing a second', async () => {
    const first = await h.gov.submit({
      request: grant,
      requester: ALICE,
      source: 'api',
      idempotencyKey: 'k-1',
    });
    const again = await h.gov.submit({
      request: grant,
      requester: ALICE,
      source: 'api',
      idempotencyKey: 'k-1',
    });
    expect(again).toEqual(first);
    expect(await h.decisions.listByIdentity('role/payments-batch')).toHaveLength(1);
  });

  it('lets only the requester cancel, and only an approver (not the requester) reject', async () => {
    const d = await h.gov.submit({ request: grant, requester: ALICE, source: 'api' });
    await expect(h.gov.cancel({ id: d.id, actor: BOB })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(h.gov.reject({ id: d.id, actor: ALICE })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await h.decisions.listDeniedAttempts(d.id)).toHaveLength(2);
    const cancelled = await h.gov.cancel({ id: d.id, actor: ALICE, note: 'filed by mistake' });
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 2, statusReason: 'filed by mistake' });
  });

  it('revokes an approved grant by an approver, refuses an operator, and 404s an unknown id', async () => {
    const d = await h.gov.submit({ request: grant, requester: ALICE, source: 'api' });
    await h.gov.approve({ id: d.id, actor: BOB });
    await expect(
      h.gov.revoke({ id: d.id, actor: 'arn:aws:iam::111122223333:role/platform-operator' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const revoked = await h.gov.revoke({ id: d.id, actor: CAROL, note: 'job retired' });
    expect(revoked).toMatchObject({ status: 'revoked', version: 3 });
    await expect(h.gov.approve({ id: 'does-not-exist', actor: BOB })).rejects.toBeInstanceOf(NotFoundError);
  });
});
