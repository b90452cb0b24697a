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
});
