import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../../lib/domain/decision.js';
import { entitlementKey } from '../../../../lib/domain/request.js';
import { approvedState } from '../../../../lib/domain/scanning/approved-state.js';
import { aDecision, BOB } from '../../../support/builders.js';

const AS_OF = new Date('2026-03-10T00:00:00.000Z');
const ROLE = { type: 'role', name: 'payments-batch' } as const;
const ENTITLEMENT = { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } as const;
const KEY = entitlementKey(ENTITLEMENT);

function decided(
  id: string,
  at: string,
  request: Decision['request'],
  overrides: Partial<Decision> = {},
): Decision {
  return aDecision({
    id,
    status: 'approved',
    kind: request.kind,
    request,
    identityKey: 'role/payments-batch',
    version: 2,
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    approvals: [{ approver: BOB, at, basis: 'tier low' }],
    ...overrides,
  });
}

const grant = (id: string, at: string, durationHours?: number) =>
  decided(
    id,
    at,
    {
      kind: 'grant',
      identity: ROLE,
      entitlement: ENTITLEMENT,
      justification: 'the nightly job reads the ledger',
      owner: 'team-payments',
      ...(durationHours ? { durationHours } : {}),
    } as Decision['request'],
    durationHours ? { expiresAt: new Date(Date.parse(at) + durationHours * 3_600_000).toISOString() } : {},
  );

const revokeOf = (id: string, at: string, target: string) =>
  decided(
    id,
    at,
    {
      kind: 'revoke',
      identity: ROLE,
      entitlement: ENTITLEMENT,
      revokes: target,
      justification: `system revoke of decision ${target}`,
    } as Decision['request'],
    { revokes: target },
  );

describe('approvedState: two grants behind one entitlement (found by the soak)', () => {
  it('keeps the entitlement in force when a revoke ends only the other grant', () => {
    // Arrange: a standing grant, then a JIT grant of the same policy that expired and was revoked by the system.
    const standing = grant('01JSTANDING0000000000000000', '2026-03-02T09:00:00.000Z');
    const jit = grant('01JJIT000000000000000000000', '2026-03-03T09:00:00.000Z', 2);
    const systemRevoke = revokeOf('01JREVOKE000000000000000000', '2026-03-03T11:00:30.000Z', jit.id);
    // Act: the expired JIT grant is `revoked` by now; only the standing grant and the revoke are approved.
    const state = approvedState([standing, systemRevoke], AS_OF).get('role/payments-batch');
    // Assert: the attached policy still has its approved grant behind it: no drift.
    expect(state?.entitlements.get(KEY)?.id).toBe(standing.id);
  });

  it('ends the entitlement when the revoke names the grant that backs it', () => {
    const standing = grant('01JSTANDING0000000000000000', '2026-03-02T09:00:00.000Z');
    const revoke = revokeOf('01JREVOKE000000000000000000', '2026-03-04T09:00:00.000Z', standing.id);
    const state = approvedState([standing, revoke], AS_OF).get('role/payments-batch');
    expect(state?.entitlements.has(KEY)).toBe(false);
  });

  it('keeps a revoke that names no grant ending every grant of its entitlement, as before', () => {
    const standing = grant('01JSTANDING0000000000000000', '2026-03-02T09:00:00.000Z');
    const request = { ...revokeOf('x', '2026-03-04T09:00:00.000Z', standing.id).request } as Record<
      string,
      unknown
    >;
    delete request.revokes;
    const untargeted = decided(
      '01JREVOKE000000000000000000',
      '2026-03-04T09:00:00.000Z',
      request as Decision['request'],
    );
    const state = approvedState([standing, untargeted], AS_OF).get('role/payments-batch');
    expect(state?.entitlements.has(KEY)).toBe(false);
  });
});
