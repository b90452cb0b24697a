import { describe, expect, it } from 'vitest';
import { type DecisionEvent, verifyDecisionEvent } from '../../../../lib/domain/provisioning/verify.js';
import { aDecision } from '../../../support/builders.js';

const now = new Date('2026-03-01T10:00:00.000Z');
const decision = aDecision({ status: 'approved', version: 2, expiresAt: '2026-03-01T11:00:00.000Z' });
const event = (overrides: Partial<DecisionEvent> = {}): DecisionEvent => ({
  detailType: 'DecisionApproved',
  schemaVersion: '1',
  decisionId: decision.id,
  version: 2,
  kind: 'grant',
  status: 'approved',
  identityKey: decision.identityKey,
  ...overrides,
});

describe('verifyDecisionEvent', () => {
  it('accepts an event its decision backs', () => {
    expect(verifyDecisionEvent(event(), decision, now)).toEqual({ ok: true, decision });
  });

  it.each([
    ['a missing decision', event(), undefined, /does not exist/],
    ['another version', event({ version: 1 }), decision, /version 2, the event names version 1/],
    [
      'another status',
      event({ detailType: 'DecisionRevoked', status: 'revoked' }),
      decision,
      /is approved, the event says revoked/,
    ],
    [
      'a detail type that contradicts its status',
      event({ status: 'revoked' }),
      decision,
      /must carry status approved/,
    ],
    [
      'another identity',
      event({ identityKey: 'role/admin' }),
      decision,
      /the event says a grant about role\/admin/,
    ],
    ['another kind', event({ kind: 'create-identity' }), decision, /the event says a create-identity/],
  ] as const)('refuses %s', (_name, e, d, reason) => {
    const result = verifyDecisionEvent(e, d, now);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('refuses an approval past its expiry, but not a revocation of it', () => {
    const late = new Date('2026-03-01T11:00:00.000Z');
    const revoked = { ...decision, status: 'revoked' as const, version: 3 };

    expect(verifyDecisionEvent(event(), decision, late)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    expect(
      verifyDecisionEvent(
        event({ detailType: 'DecisionRevoked', status: 'revoked', version: 3 }),
        revoked,
        late,
      ).ok,
    ).toBe(true);
  });

  it('accepts an approval reviewed after activation (a later version made only by the review), at the decided version', () => {
    // Arrange: the break-glass review bumped the stored version 2 -> 3 without changing the grant
    const reviewed = {
      ...decision,
      kind: 'break-glass' as const,
      version: 3,
      reviewedBy: 'arn:aws:iam::111122223333:role/security-approver-bob',
      reviewedAt: '2026-03-01T09:30:00.000Z',
      history: [
        ...decision.history,
        { at: '2026-03-01T09:00:00.000Z', actor: 'x', action: 'approved' as const, version: 2 },
        { at: '2026-03-01T09:30:00.000Z', actor: 'y', action: 'reviewed' as const, version: 3 },
      ],
    };
    // Act
    const result = verifyDecisionEvent(event({ kind: 'break-glass' }), reviewed, now);
    // Assert: acted on as version 2, so its records and idempotency key are those of the approval
    expect(result).toEqual({ ok: true, decision: { ...reviewed, version: 2 } });
  });

  it('refuses an approval whose later versions changed the grant (reviewed, then revoked)', () => {
    const revokedOnReview = {
      ...decision,
      kind: 'break-glass' as const,
      status: 'revoked' as const,
      version: 4,
      history: [
        ...decision.history,
        { at: '2026-03-01T09:00:00.000Z', actor: 'x', action: 'approved' as const, version: 2 },
        { at: '2026-03-01T09:30:00.000Z', actor: 'y', action: 'reviewed' as const, version: 3 },
        { at: '2026-03-01T09:30:00.000Z', actor: 'y', action: 'revoked' as const, version: 4 },
      ],
    };
    const result = verifyDecisionEvent(event({ kind: 'break-glass' }), revokedOnReview, now);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/version 4, the event names version 2/);
  });

  it('refuses an event that names a version newer than the stored one', () => {
    const result = verifyDecisionEvent(event({ version: 3 }), decision, now);
    expect(!result.ok && result.reason).toMatch(/version 2, the event names version 3/);
  });
});
