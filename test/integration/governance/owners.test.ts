import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { ValidationError } from '../../../lib/domain/errors.js';
import { arbMalformed, arbRoleSpelling } from '../../security/principal-arbitraries.js';
import { ALICE, aDecision, BOB } from '../../support/builders.js';
import { diff, type Harness, harness, snapshot } from './harness.js';

const ACCOUNT = '111122223333';
const readOnly = { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
const identity = { type: 'role', name: 'payments-batch' };
const grant = (extra: Record<string, unknown> = {}) => ({
  kind: 'grant',
  identity,
  entitlement: readOnly,
  justification: 'nightly reconciliation job reads the ledger',
  ...extra,
});

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

const refusal = (request: unknown) =>
  h.gov.submit({ request, requester: ALICE, source: 'api' }).catch((e: unknown) => e);

describe('decision owners', () => {
  it('refuses a grant that names no owner, naming the request field owner, and writes nothing', async () => {
    // Arrange
    const before = await snapshot(h.tables);

    // Act
    const error = await refusal(grant());

    // Assert
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['owner']);
    expect((error as ValidationError).message).toMatch(/^invalid request: owner: /);
    expect(diff(before, await snapshot(h.tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('never makes the requester the owner: a rotate that names none has no owner', async () => {
    // Act
    const d = await h.gov.submit({
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'quarterly key rotation',
      },
      requester: ALICE,
      source: 'api',
    });

    // Assert
    expect(d.owner).toBeUndefined();
    expect((await h.decisions.get(d.id, { consistent: true }))?.owner).toBeUndefined();
  });

  it('keeps the owner the request names, and an exception’s risk owner when it names none', async () => {
    // Act
    const g = await h.gov.submit({
      request: grant({ owner: 'team-payments' }),
      requester: ALICE,
      source: 'api',
    });
    const e = await h.gov.submit({
      request: {
        kind: 'exception',
        identity,
        findingTypes: ['stale-role'],
        riskAcceptance: {
          owner: 'ciso@example.com',
          risk: 'the batch role stays unused during the freeze',
          compensatingControls: ['alarm on any use'],
          residualSeverity: 'low',
        },
        expiresAt: '2026-04-01T00:00:00.000Z',
        justification: 'year-end freeze keeps the role',
      },
      requester: ALICE,
      source: 'api',
    });

    // Assert
    expect(g.owner).toBe('team-payments');
    expect(e.owner).toBe('ciso@example.com');
  });

  it('stores every spelling of one principal owner as one owner, who may still end the grant', async () => {
    await fc.assert(
      fc.asyncProperty(arbRoleSpelling(ACCOUNT, 'Payments-Owner'), async (spelling) => {
        // Act
        const d = await h.gov.submit({
          request: grant({ owner: spelling }),
          requester: ALICE,
          source: 'api',
        });

        // Assert
        expect(d.owner).toBe(`arn:aws:iam::${ACCOUNT}:role/payments-owner`);
      }),
      { numRuns: 20 },
    );
    const g = await h.gov.submit({
      request: grant({ owner: `arn:aws:sts::${ACCOUNT}:assumed-role/payments-owner/s1` }),
      requester: ALICE,
      source: 'api',
    });
    await h.gov.approve({ id: g.id, actor: BOB });
    const revoked = await h.gov.revoke({ id: g.id, actor: `arn:aws:iam::${ACCOUNT}:role/payments-owner` });
    expect(revoked.status).toBe('revoked');
  });

  it('refuses owners of the wrong shape or size, naming owner, and writes nothing', async () => {
    const before = await snapshot(h.tables);
    const arbBadOwner = fc.oneof(
      fc.constantFrom('', ' ', 'ab', '  ab  ', '(no owner)', 'team<payments>', 'a\u0000bc', 'team\npayments'),
      fc.string({ minLength: 257, maxLength: 400 }).map((s) => `team-${s.replace(/\s/g, 'x')}`.slice(0, 300)),
      fc.constantFrom(...'<>&;"\'`{}[]|\\!#$%^*()~,?'.split('')).map((c) => `team${c}payments`),
      fc.integer({ min: 0, max: 31 }).map((c) => `team${String.fromCharCode(c)}payments`),
      // ARN-shaped but not a principal (whitespace-wrapped variants are trimmed, so left out here).
      arbMalformed(ACCOUNT, 'payments-owner').filter(
        (a) => a.startsWith('arn:') && a.trim() === a && !a.includes('nhi-gov-system'),
      ),
      // A principal whose name holds what no IAM tag value may hold.
      fc.constant(`arn:aws:iam::${ACCOUNT}:role/payments,owner`),
      fc.constantFrom(`arn:aws:s3:::bucket-of-${ACCOUNT}`, 'arn:aws:iam::1:role/x', 'ARN:aws:iam::role'),
    );
    await fc.assert(
      fc.asyncProperty(arbBadOwner, async (owner) => {
        // Act
        const error = await refusal(grant({ owner }));

        // Assert
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues.map((i) => i.path)).toContain('owner');
      }),
      { numRuns: 60 },
    );
    expect(diff(before, await snapshot(h.tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('follows the policy: a kind it does not list may name none, but a just-in-time grant always must', async () => {
    // Arrange
    const base = loadPolicyFile();
    const lenient = await harness({ ...base, document: { ...base.document, owners: { requiredFor: [] } } });

    // Act
    const standing = await lenient.gov.submit({ request: grant(), requester: ALICE, source: 'api' });
    const jit = await lenient.gov
      .submit({ request: grant({ durationHours: 4 }), requester: ALICE, source: 'api' })
      .catch((e: unknown) => e);

    // Assert
    expect(standing.owner).toBeUndefined();
    expect(jit).toBeInstanceOf(ValidationError);
    expect((jit as ValidationError).issues.map((i) => i.path)).toEqual(['owner']);
  });

  it('reads a decision stored with the old default owner (the requester) as having none', async () => {
    // Arrange: what the old code stored: owner = the requester's ARN, the request naming none.
    const legacy: Decision = aDecision({ requester: ALICE, owner: ALICE });
    const named: Decision = aDecision({ requester: ALICE, owner: 'team-payments' });
    await h.decisions.create(legacy);
    await h.decisions.create(named);

    // Act
    const readLegacy = await h.decisions.get(legacy.id, { consistent: true });
    const readNamed = await h.decisions.get(named.id, { consistent: true });

    // Assert
    expect(readLegacy?.owner).toBeUndefined();
    expect(readLegacy?.requester).toBe(ALICE);
    expect(readNamed?.owner).toBe('team-payments');
  });
});
