import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  DecisionStatus,
  isInForce,
  TRANSITIONS,
  transition,
} from '../../../lib/domain/decision.js';
import { ConflictError } from '../../../lib/domain/errors.js';
import { ALICE, aDecision, BOB } from '../../support/builders.js';

const statuses = DecisionStatus.options;

describe('decision status machine', () => {
  it('allows exactly pending → approved|rejected|cancelled and approved → revoked|expired', () => {
    const allowed = statuses.flatMap((from) =>
      statuses.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'pending→approved',
        'pending→rejected',
        'pending→cancelled',
        'approved→revoked',
        'approved→expired',
      ].sort(),
    );
  });

  it('bumps the version by one and appends one history entry on every allowed move', () => {
    fc.assert(
      fc.property(fc.constantFrom(...statuses), fc.constantFrom(...statuses), (from, to) => {
        const d = aDecision({ status: from, version: 3 });
        if (!TRANSITIONS[from].includes(to)) {
          expect(() =>
            transition(d, { to, actor: BOB, at: '2026-01-11T00:00:00.000Z', action: 'approved' }),
          ).toThrow(ConflictError);
          return;
        }
        const next = transition(d, { to, actor: BOB, at: '2026-01-11T00:00:00.000Z', action: 'approved' });
        expect(next.version).toBe(4);
        expect(next.status).toBe(to);
        expect(next.history).toHaveLength(d.history.length + 1);
        expect(next.history.at(-1)).toMatchObject({ actor: BOB, version: 4 });
      }),
    );
  });

  it('sets decidedAt when a pending decision is decided, and keeps it on later moves', () => {
    const approved = transition(aDecision(), {
      to: 'approved',
      actor: BOB,
      at: '2026-01-11T00:00:00.000Z',
      action: 'approved',
    });
    const revoked = transition(approved, {
      to: 'revoked',
      actor: ALICE,
      at: '2026-01-12T00:00:00.000Z',
      action: 'revoked',
    });
    expect(approved.decidedAt).toBe('2026-01-11T00:00:00.000Z');
    expect(revoked.decidedAt).toBe('2026-01-11T00:00:00.000Z');
  });

  it('treats an approved decision as in force only until it expires', () => {
    const d = aDecision({ status: 'approved', expiresAt: '2026-01-11T00:00:00.000Z' });
    expect(isInForce(d, new Date('2026-01-10T23:59:59Z'))).toBe(true);
    expect(isInForce(d, new Date('2026-01-11T00:00:00Z'))).toBe(false);
    expect(isInForce(aDecision({ status: 'pending' }), new Date('2026-01-01T00:00:00Z'))).toBe(false);
  });
});
