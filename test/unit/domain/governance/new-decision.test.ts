import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decision } from '../../../../lib/domain/decision.js';
import { newPendingDecision } from '../../../../lib/domain/governance/new-decision.js';
import { ALICE, aDecision, BOB } from '../../../support/builders.js';

const AT = '2026-03-02T09:00:00.000Z';
const base = () => {
  const d = aDecision();
  return {
    id: d.id,
    request: d.request,
    identityKey: d.identityKey,
    requester: ALICE,
    source: 'api' as const,
    tier: 'low',
    requiredApprovals: 1,
    policyVersion: 'sha256:test',
    at: AT,
  };
};

/** The optional parts a use case may or may not have, each present or absent. */
const optionals = fc.record(
  {
    accountId: fc.constant('111122223333'),
    owner: fc.constantFrom('team-payments', ''),
    tierRule: fc.constant('kinds.grant'),
    expiresAt: fc.constant('2026-03-03T09:00:00.000Z'),
    renewalOf: fc.constant('01JH0Z8Q3M4XK2V7T9B6C5D4E3'),
    revokes: fc.constant('01JH0Z8Q3M4XK2V7T9B6C5D4E4'),
    taskToken: fc.constant('token-1'),
    actor: fc.constant(`${BOB} (scanner)`),
    note: fc.constantFrom('break-glass activation requested', ''),
  },
  { requiredKeys: [] },
);

describe('newPendingDecision', () => {
  it('makes a pending version-1 decision the schema accepts, with one submitted entry by the requester', () => {
    // Act
    const decision = newPendingDecision(base());

    // Assert
    expect(Decision.parse(decision)).toEqual(decision);
    expect(decision).toMatchObject({ version: 1, status: 'pending', kind: 'grant', approvals: [] });
    expect(decision.createdAt).toBe(AT);
    expect(decision.updatedAt).toBe(AT);
    expect(decision.history).toEqual([{ at: AT, actor: ALICE, action: 'submitted', version: 1 }]);
  });

  it('stores no key for an absent or empty optional part, and every present one as given', () => {
    fc.assert(
      fc.property(optionals, (parts) => {
        // Act
        const decision = newPendingDecision({ ...base(), ...parts });

        // Assert: strict schema, no undefined value anywhere at the top level or in the history entry
        expect(() => Decision.parse(decision)).not.toThrow();
        expect(Object.values(decision)).not.toContain(undefined);
        expect(Object.values(decision.history[0] ?? {})).not.toContain(undefined);
        for (const key of [
          'accountId',
          'owner',
          'tierRule',
          'expiresAt',
          'renewalOf',
          'revokes',
          'taskToken',
        ] as const)
          expect(decision[key], key).toBe(parts[key] ? parts[key] : undefined);
        expect(decision.history[0]?.actor).toBe(parts.actor ?? ALICE);
        expect(decision.history[0]?.note).toBe(parts.note ? parts.note : undefined);
      }),
      { numRuns: 200 },
    );
  });
});
