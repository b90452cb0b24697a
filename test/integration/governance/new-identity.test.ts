import { beforeEach, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import { PolicyDeniedError } from '../../../lib/domain/governance/index.js';
import type { Policy } from '../../../lib/domain/policy/schema.js';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { diff, type Harness, harness, snapshot } from './harness.js';

const SAME_ACCOUNT_TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
  ],
};
const createRole = (name: string, trustPolicy: unknown = SAME_ACCOUNT_TRUST) => ({
  kind: 'create-identity',
  identity: { type: 'role', name },
  trustPolicy,
  owner: 'payments-team',
  justification: 'runs the nightly reconciliation job',
});
const createUser = (name: string) => ({
  kind: 'create-identity',
  identity: { type: 'user', name },
  owner: 'payments-team',
  justification: 'legacy partner integration needs an access key',
});
const trust = (principal: unknown, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }],
});

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

/** Submits as ALICE, expects a policy denial; returns its message and what the tables gained. */
async function refusedSubmit(request: unknown, target = h) {
  const before = await snapshot(target.tables);
  const error = await target.gov.submit({ request, requester: ALICE, source: 'api' }).then(
    () => {
      throw new Error('expected the request to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyDeniedError);
  const { added, removedOrChanged } = diff(before, await snapshot(target.tables));
  // Nothing but the refused attempt (evidence, as every policy refusal of a submission): no decision.
  expect(removedOrChanged).toEqual([]);
  expect(added).toEqual([
    expect.objectContaining({ entity: 'denied-attempt', action: 'submit create-identity' }),
  ]);
  return (error as Error).message;
}

function withPolicy(change: Partial<Policy['document']>): Policy {
  const policy = loadPolicyFile();
  return { ...policy, document: { ...policy.document, ...change } };
}

describe('create-identity cannot mint governance power', () => {
  it('refuses a role whose name matches an approver pattern, naming the pattern', async () => {
    const message = await refusedSubmit(createRole('security-approver-ci'));
    expect(message).toMatch(/role\/security-approver-ci/);
    expect(message).toMatch(/tiers\.low\.approvers pattern "arn:aws:iam::\*:role\/security-approver\*"/);
    expect(await h.decisions.listByIdentity('role/security-approver-ci')).toEqual([]);
  });

  it.each([
    ['team-lead-bot', /tiers\.low\.approvers/],
    ['oncall-robot', /breakGlass\.requesters/],
    ['platform-operator-2', /operators/],
    ['nhi-gov-governance-api', /operators/],
  ])('refuses role %s (%s)', async (name, where) => {
    expect(await refusedSubmit(createRole(name))).toMatch(where);
  });

  it('tries the session form with any session name the pattern allows', async () => {
    const h2 = await harness(
      withPolicy({
        breakGlass: {
          ...loadPolicyFile().document.breakGlass,
          requesters: ['arn:aws:sts::*:assumed-role/sre-*/pager-*'],
        },
      }),
    );
    expect(await refusedSubmit(createRole('sre-nightly'), h2)).toMatch(/breakGlass\.requesters/);
  });

  it('refuses a user matching a user pattern, a ticketing principal, and an auto-approve requester', async () => {
    const h2 = await harness(
      withPolicy({
        tiers: {
          ...loadPolicyFile().document.tiers,
          low: { approvals: 1, approvers: ['arn:aws:iam::*:user/approver-*'] },
        },
        ticketing: [
          {
            source: 'com.example.servicenow',
            account: '444455556666',
            principal: 'arn:aws:iam::444455556666:role/servicenow-integration',
          },
        ],
        autoApprove: [{ name: 'ci', kinds: ['grant'], requesters: ['arn:aws:iam::111122223333:role/ci-*'] }],
      }),
    );
    expect(await refusedSubmit(createUser('approver-legacy'), h2)).toMatch(/tiers\.low\.approvers/);
    expect(await refusedSubmit(createRole('servicenow-integration'), h2)).toMatch(/ticketing/);
    expect(await refusedSubmit(createRole('ci-builder'), h2)).toMatch(/autoApprove\.ci\.requesters/);
  });

  it('files an ordinary role and a user whose name only looks like a role pattern', async () => {
    const role = await h.gov.submit({
      request: createRole('payments-batch'),
      requester: ALICE,
      source: 'api',
    });
    expect(role).toMatchObject({ status: 'pending', tier: 'low', requiredApprovals: 1 });
    // The default approver patterns name roles, so a user of that name gains nothing.
    const user = await h.gov.submit({
      request: createUser('security-approver-reports'),
      requester: ALICE,
      source: 'api',
    });
    expect(user).toMatchObject({ status: 'pending', tier: 'low' });
  });
});

describe('create-identity trust policies', () => {
  it.each([
    ['Principal "*"', '*', /Principal "\*" trusts everyone/],
    ['{"AWS": "*"}', { AWS: '*' }, /Principal AWS "\*" is a wildcard/],
    [
      '"*" in an AWS list',
      { AWS: ['arn:aws:iam::111122223333:root', '*'] },
      /Principal AWS "\*" is a wildcard/,
    ],
    ['a wildcard service', { Service: '*' }, /Principal Service "\*" is a wildcard/],
    [
      'a suite role by path',
      { AWS: 'arn:aws:iam::111122223333:role/nhi-gov/governance-api' },
      /nhi-gov's own roles/,
    ],
    [
      'a suite role by name',
      { AWS: 'arn:aws:iam::111122223333:role/nhi-gov-provision' },
      /nhi-gov's own roles/,
    ],
    [
      'a suite role session',
      { AWS: 'arn:aws:sts::111122223333:assumed-role/nhi-gov-rotate/fn' },
      /nhi-gov's own roles/,
    ],
    ['an unresolvable principal', { AWS: 'AROAEXAMPLEID' }, /neither an account id nor an IAM ARN/],
  ])('refuses %s, writing no decision', async (_what, principal, reason) => {
    const message = await refusedSubmit(createRole('payments-batch', trust(principal)));
    expect(message).toMatch(/trustPolicy\.Statement\[0\]/);
    expect(message).toMatch(reason);
    expect(await h.decisions.listByIdentity('role/payments-batch')).toEqual([]);
  });

  it('refuses "*" even with a condition, NotPrincipal in Allow, and names every problem at once', async () => {
    const message = await refusedSubmit(
      createRole('payments-batch', {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
          },
          {
            Effect: 'Allow',
            NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    );
    expect(message).toMatch(/Statement\[0\].*wildcard/);
    expect(message).toMatch(/Statement\[1\]: NotPrincipal/);
  });

  it('ignores Deny statements (they only narrow trust)', async () => {
    const request = createRole('payments-batch', {
      Version: '2012-10-17',
      Statement: [
        ...SAME_ACCOUNT_TRUST.Statement,
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    const decision = await h.gov.submit({ request, requester: ALICE, source: 'api' });
    expect(decision).toMatchObject({ status: 'pending', tier: 'low' });
  });

  it('raises a role trusted from another account to the highest tier, and no auto-approve rule applies', async () => {
    // Arrange: a policy that would auto-approve every create-identity
    const h2 = await harness(
      withPolicy({
        autoApprove: [
          ...loadPolicyFile().document.autoApprove,
          { name: 'all-creates', kinds: ['create-identity'] },
        ],
      }),
    );
    const crossAccount = createRole(
      'partner-reader',
      trust({ AWS: ['444455556666', 'arn:aws:iam::111122223333:root'] }),
    );
    // Act
    const pending = await h2.gov.submit({ request: crossAccount, requester: ALICE, source: 'api' });
    const sameAccount = await h2.gov.submit({
      request: createRole('payments-batch'),
      requester: ALICE,
      source: 'api',
    });
    // Assert: high tier, two approvals; the same-account role is still auto-approved
    expect(pending).toMatchObject({ status: 'pending', tier: 'high', requiredApprovals: 2, approvals: [] });
    expect(sameAccount).toMatchObject({ status: 'approved', tier: 'low' });
    const afterBob = await h2.gov.approve({ id: pending.id, actor: BOB });
    expect(afterBob.status).toBe('pending');
    await expect(
      h2.gov.approve({ id: pending.id, actor: 'arn:aws:iam::111122223333:role/team-lead-dave' }),
    ).rejects.toThrow(/not an approver for tier "high"/);
    expect((await h2.gov.approve({ id: pending.id, actor: CAROL })).status).toBe('approved');
  });
});
