import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../lib/domain/errors.js';
import {
  approverBasis,
  PolicyDeniedError,
  planSubmission,
} from '../../../../lib/domain/governance/policy-evaluation.js';
import { policyForAccount } from '../../../../lib/domain/governance/policy-scope.js';
import { requestsPerAccount } from '../../../../lib/domain/governance/submit-accounts.js';
import { accountsOfUnits, unitsOf } from '../../../../lib/domain/organization.js';
import type { DecisionRequest } from '../../../../lib/domain/request.js';
import {
  DEV,
  LOOSE,
  ORG_YAML,
  orgPolicy,
  PAT,
  PROD_A,
  PROD_B,
  policyWith,
} from '../../../support/org-policy.js';

const policy = orgPolicy();
const BOB = 'arn:aws:iam::111122223333:role/security-approver-bob';
const ALICE = 'arn:aws:iam::111122223333:role/team-lead-alice';
const NOW = new Date('2026-03-02T09:00:00.000Z');
const PROD = new Set([PROD_A, PROD_B]);

const grant = (policyArn: string): DecisionRequest => ({
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn },
  justification: 'nightly reconciliation job',
});

/** Account ids that are not exactly a prod account: near spellings of one, and ids of other lengths. */
const arbNotProd = fc
  .oneof(
    fc.stringMatching(/^\d{12}$/).filter((a) => !PROD.has(a)),
    fc.constantFrom(PROD_A, PROD_B).chain((a) =>
      fc.constantFrom(
        a.slice(1), // 11 digits
        `0${a}`, // 13 digits, a leading zero more
        String(Number(a)), // the number YAML would have read
        ` ${a}`,
        `${a} `,
        `${a}\n`,
        a.replace(/1/g, '１'), // full-width digits
        a.replace(/0/g, '٠'), // Arabic-Indic zero
        `+${a}`,
        `${a.slice(0, 6)}-${a.slice(6)}`,
        `arn:aws:iam::${a}:root`,
      ),
    ),
    fc.string({ maxLength: 14 }),
  )
  .filter((a) => !PROD.has(a));

describe('policy scopes by account and organizational unit', () => {
  it('gives an account the rules of the first scope that lists its unit, and others the policy own rules', () => {
    // Arrange / Act
    const prod = policyForAccount(policy, PROD_B);
    const dev = policyForAccount(policy, DEV);
    // Assert
    expect(prod.scope).toBe('prod');
    expect(prod.version).toBe(policy.version);
    expect(approverBasis(prod, 'low', PAT)).toBe('tier low (scope prod): arn:aws:iam::*:role/prod-approver*');
    expect(approverBasis(prod, 'low', BOB)).toBeUndefined();
    expect(dev.scope).toBeUndefined();
    expect(approverBasis(dev, 'low', BOB)).toBeDefined();
    expect(approverBasis(dev, 'low', PAT)).toBeUndefined();
    expect(approverBasis(policy, 'low', PAT)).toBeUndefined();
  });

  it('applies scoped entitlements and break-glass: AdministratorAccess is refused in prod, allowed elsewhere', () => {
    // Arrange
    const admin = grant('arn:aws:iam::aws:policy/AdministratorAccess');
    // Act / Assert
    expect(() => planSubmission(policyForAccount(policy, PROD_A), admin, ALICE, 'role/x', NOW)).toThrow(
      PolicyDeniedError,
    );
    expect(planSubmission(policyForAccount(policy, LOOSE), admin, ALICE, 'role/x', NOW).tier).toBe('high');
    expect(policyForAccount(policy, PROD_A).document.breakGlass.enabled).toBe(false);
    expect(policyForAccount(policy, PROD_A).document.breakGlass.maxDurationMinutes).toBe(
      policy.document.breakGlass.maxDurationMinutes,
    );
  });

  it('never lets an approver scoped to a unit approve for any other account spelling', () => {
    fc.assert(
      fc.property(arbNotProd, fc.constantFrom('low', 'high', 'routine'), (account, tier) => {
        expect(approverBasis(policyForAccount(policy, account), tier, PAT)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('lists units and their accounts, and refuses an unknown unit by its name', () => {
    const units = policy.document.organization?.units ?? {};
    expect(unitsOf(units, PROD_B)).toEqual(['ou-prod']);
    expect(unitsOf(units, LOOSE)).toEqual([]);
    expect(accountsOfUnits(units, ['ou-prod', 'ou-dev', 'ou-prod'])).toEqual([PROD_B, PROD_A, DEV].sort());
    expect(() => accountsOfUnits(units, ['ou-Prod'])).toThrow(/--ou "ou-Prod" is not a unit/);
    expect(() => accountsOfUnits(units, ['__proto__'])).toThrow(ValidationError);
  });
});

describe('the organization section of the policy file', () => {
  it.each([
    [
      'an unquoted account id (YAML reads a number)',
      'organization: { units: { u: [012345678901] } }',
      'organization.units.u[0]',
    ],
    ['an 11-digit account', 'organization: { units: { u: ["12345678901"] } }', 'organization.units.u[0]'],
    ['a 13-digit account', 'organization: { units: { u: ["1234567890123"] } }', 'organization.units.u[0]'],
    [
      'a scope naming an unknown unit',
      'organization: { units: { u: ["123456789012"] } }\nscopes: [{ name: s, units: [v] }]',
      'scopes[0].units[0]',
    ],
    ['a scope naming nothing', 'scopes: [{ name: s }]', 'scopes[0]'],
    [
      'a scope tier nobody may approve',
      'scopes: [{ name: s, accounts: ["123456789012"], tiers: { low: { approvals: 1, approvers: [] } } }]',
      'scopes[0].tiers.low.approvers',
    ],
    [
      'a scope entitlement with an unknown tier',
      'scopes: [{ name: s, accounts: ["123456789012"], entitlements: [{ match: "*", tier: nope }] }]',
      'scopes[0].entitlements[0].tier',
    ],
    [
      'a scoped approver of any account without accounts',
      'scopes: [{ name: s, accounts: ["123456789012"], tiers: { low: { approvals: 1, approvers: ["arn:aws:iam::*:role/x/y"] } } }]',
      'scopes[0].tiers.low.approvers[0]',
    ],
  ])('refuses %s, naming where', (_what, yaml, path) => {
    expect(() => policyWith(yaml)).toThrow(ValidationError);
    try {
      policyWith(yaml);
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    }
  });

  it('keeps the version of a policy without organization and accepts the one the tests use', () => {
    expect(policyWith('').version).not.toBe(policy.version);
    expect(ORG_YAML).toContain('scopes');
    expect(policy.document.scopes?.[0]?.name).toBe('prod');
  });
});

describe('requestsPerAccount', () => {
  const base = { kind: 'rotate', identity: { type: 'user', name: 'ci' }, justification: 'routine rotation' };

  it('splits a request naming several accounts into one request per account', () => {
    expect(requestsPerAccount({ ...base, accounts: [PROD_A, DEV] })).toEqual([
      { ...base, account: PROD_A },
      { ...base, account: DEV },
    ]);
    const single = { ...base, account: DEV };
    expect(requestsPerAccount(single)[0]).toBe(single);
  });

  it('refuses duplicates, bad spellings and both fields, naming the account as typed', () => {
    fc.assert(
      fc.property(
        arbNotProd.filter((a) => !/^\d{12}$/.test(a)),
        fc.nat(3),
        (bad, at) => {
          const accounts = [PROD_A, DEV, LOOSE];
          accounts.splice(at, 0, bad);
          expect(() => requestsPerAccount({ ...base, accounts })).toThrow(ValidationError);
        },
      ),
      { numRuns: 100 },
    );
    expect(() => requestsPerAccount({ ...base, accounts: [PROD_A, DEV, PROD_A] })).toThrow(
      /accounts\[2\]: "111111111111" account 111111111111 is named twice \(also accounts\[0\]\)/,
    );
    expect(() => requestsPerAccount({ ...base, accounts: [] })).toThrow(/at least one account/);
    expect(() => requestsPerAccount({ ...base, account: DEV, accounts: [PROD_A] })).toThrow(/not both/);
    expect(() =>
      requestsPerAccount({
        ...base,
        accounts: Array.from({ length: 101 }, (_, i) => String(i).padStart(12, '0')),
      }),
    ).toThrow(/at most 100/);
  });
});
