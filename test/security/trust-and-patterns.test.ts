import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { PolicyDeniedError } from '../../lib/domain/governance/index.js';
import {
  approverBasis,
  entitlementTier,
  planSubmission,
} from '../../lib/domain/governance/policy-evaluation.js';
import { PolicyFile } from '../../lib/domain/policy/schema.js';
import { DecisionRequest } from '../../lib/domain/request.js';
import { diff, type Harness, harness, snapshot } from '../integration/governance/harness.js';
import { ALICE } from '../support/builders.js';
import { arbCaseOf } from './principal-arbitraries.js';

const policy = loadPolicyFile();
const NOW = new Date('2026-03-02T09:00:00.000Z');
const createRole = (trustPolicy: unknown, name = 'payments-batch') => ({
  kind: 'create-identity',
  identity: { type: 'role', name },
  trustPolicy,
  owner: 'payments-team',
  justification: 'runs the nightly reconciliation job',
});
const trust = (statement: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', ...statement }],
});

/** Parses and plans a request as submit does; returns the refusal, or undefined when it would be filed. */
function refusal(request: unknown): Error | undefined {
  try {
    const parsed = DecisionRequest.safeParse(request);
    if (!parsed.success) return new ValidationError(parsed.error.message);
    planSubmission(
      policy,
      parsed.data,
      ALICE,
      `${parsed.data.identity.type}/${parsed.data.identity.name}`,
      NOW,
    );
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

describe('create-identity refuses trust policies that let an unbounded population in (issue #10 class 9)', () => {
  it.each([
    ['a federated provider without a condition', { Principal: { Federated: 'accounts.google.com' } }],
    [
      'GitHub OIDC narrowed by audience only (any repository)',
      {
        Principal: {
          Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
      },
    ],
    [
      'a subject condition that is only a wildcard',
      {
        Principal: { Federated: 'accounts.google.com' },
        Condition: { StringLike: { 'accounts.google.com:sub': '*' } },
      },
    ],
    ['a principal key in another case ({"aws": account})', { Principal: { aws: '999999999999' } }],
    ['an unknown principal kind', { Principal: { CanonicalUser: 'abc' } }],
    [
      'the suite role in another case',
      { Principal: { AWS: 'arn:aws:iam::111122223333:role/NHI-GOV-Provision' } },
    ],
  ])('refuses %s, writing only the denied attempt', async (_what, statement) => {
    const before = await snapshot(h.tables);
    await expect(
      h.gov.submit({ request: createRole(trust(statement)), requester: ALICE, source: 'api' }),
    ).rejects.toBeInstanceOf(PolicyDeniedError);
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.objectContaining({ entity: 'denied-attempt', action: 'submit create-identity' }),
    ]);
  });

  it('accepts a federated provider narrowed to a subject', () => {
    expect(
      refusal(
        createRole(
          trust({
            Principal: {
              Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
            },
            Condition: {
              StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
              StringLike: {
                'token.actions.githubusercontent.com:sub': 'repo:example/payments:ref:refs/heads/main',
              },
            },
          }),
        ),
      ),
    ).toBeUndefined();
    expect(
      refusal(
        createRole(
          trust({
            Principal: { Federated: 'accounts.google.com' },
            Condition: { StringEquals: { 'accounts.google.com:sub': '110169484474386276334' } },
          }),
        ),
      ),
    ).toBeUndefined();
  });

  it('refuses policy element keys in any other case (1,000 generated spellings)', () => {
    const keys = ['Version', 'Statement', 'Effect', 'Principal', 'Action', 'Condition'];
    const arbWrong = fc.constantFrom(...keys).chain((k) =>
      arbCaseOf(k)
        .filter((v) => v !== k)
        .map((v) => [k, v] as const),
    );
    fc.assert(
      fc.property(arbWrong, ([key, spelled]) => {
        const statement: Record<string, unknown> = {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        };
        const doc: Record<string, unknown> = { Version: '2012-10-17', Statement: [statement] };
        if (key === 'Version' || key === 'Statement') {
          doc[spelled] = doc[key];
          delete doc[key];
        } else {
          statement[spelled] = statement[key] ?? { StringEquals: { 'aws:SourceAccount': '111122223333' } };
          delete statement[key];
          if (key !== 'Effect') statement.Effect = 'Allow';
        }
        expect(refusal(createRole(doc))).toBeInstanceOf(Error);
      }),
      { numRuns: 1000 },
    );
  });

  it("matches the suite's own role names in any case, as trust principals and as new identity names (1,000 cases)", () => {
    fc.assert(
      fc.property(arbCaseOf('nhi-gov-provision'), fc.constantFrom('role', 'assumed-role'), (name, form) => {
        const arn =
          form === 'role'
            ? `arn:aws:iam::111122223333:role/${name}`
            : `arn:aws:sts::111122223333:assumed-role/${name}/s1`;
        expect(
          refusal(createRole(trust({ Principal: { AWS: arn }, Action: 'sts:AssumeRole' }))),
        ).toBeInstanceOf(PolicyDeniedError);
        expect(
          refusal(
            createRole(
              trust({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
              name,
            ),
          ),
        ).toBeInstanceOf(PolicyDeniedError);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('entitlement globs cannot be steered with path tricks or letter case', () => {
  it('refuses ".", ".." and empty segments in a policy ARN as invalid input (1,000 cases)', () => {
    const arbTrick = fc.tuple(
      fc.constantFrom('..', '.', ''),
      fc.constantFrom('ReadOnlyAccess', 'ReadOnly', 'nhi/team'),
      fc.constantFrom('AdministratorAccess', 'IAMFullAccess', 'x'),
      fc.constantFrom('aws', '111122223333'),
    );
    fc.assert(
      fc.property(arbTrick, ([seg, left, right, owner]) => {
        const policyArn = `arn:aws:iam::${owner}:policy/${left}/${seg}/${right}`;
        const request = {
          kind: 'grant',
          identity: { type: 'role', name: 'payments-batch' },
          entitlement: { type: 'managed-policy', policyArn },
          justification: 'nightly reconciliation job reads the ledger',
          owner: 'team-payments',
        };
        expect(refusal(request)).toBeInstanceOf(ValidationError);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives another spelling of a policy name the same first-matching tier', () => {
    fc.assert(
      fc.property(arbCaseOf('AdministratorAccess'), (name) => {
        expect(
          entitlementTier(policy, { type: 'managed-policy', policyArn: `arn:aws:iam::aws:policy/${name}` }),
        ).toBe('high');
      }),
      { numRuns: 200 },
    );
  });
});

describe('default approver patterns are restricted to the accounts the policy names', () => {
  it('gives no approver power to a matching role name in any other account (1,000 accounts)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{12}$/).filter((a) => !(policy.document.accounts ?? []).includes(a)),
        fc.constantFrom('role/security-approver-bob', 'role/team-lead-alice'),
        (account, who) => {
          const arn = `arn:aws:iam::${account}:${who}`;
          expect(approverBasis(policy, 'low', arn)).toBeUndefined();
          expect(approverBasis(policy, 'high', arn)).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
    expect(approverBasis(policy, 'low', 'arn:aws:iam::111122223333:role/team-lead-alice')).toBeDefined();
  });

  it('refuses a policy whose power patterns use "*" for the account without naming its accounts, or name a path', () => {
    const { accounts: _a, ...rest } = policy.document;
    const noAccounts = PolicyFile.safeParse(rest);
    expect(noAccounts.success).toBe(false);
    expect(JSON.stringify(noAccounts.error?.issues)).toMatch(/matches any account/);
    const pathed = PolicyFile.safeParse({
      ...policy.document,
      tiers: {
        ...policy.document.tiers,
        low: { approvals: 1, approvers: ['arn:aws:iam::111122223333:role/team/lead-*'] },
      },
    });
    expect(JSON.stringify(pathed.error?.issues)).toMatch(/names an IAM path/);
  });

  it('refuses an approval from a look-alike approver in another account, keeping the denied attempt', async () => {
    const d = await h.gov.submit({
      request: {
        kind: 'grant',
        identity: { type: 'role', name: 'payments-batch' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        justification: 'nightly reconciliation job reads the ledger',
        owner: 'team-payments',
      },
      requester: ALICE,
      source: 'api',
    });
    const before = await snapshot(h.tables);
    await expect(
      h.gov.approve({ id: d.id, actor: 'arn:aws:iam::999988887777:role/security-approver-bob' }),
    ).rejects.toBeInstanceOf(PolicyDeniedError);
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([expect.objectContaining({ entity: 'denied-attempt', code: 'POLICY_DENIED' })]);
  });
});
