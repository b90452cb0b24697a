import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnapshotPolicyDocuments } from '../../../lib/adapters/snapshot/snapshot-documents.js';
import { createGovernance, type Governance } from '../../../lib/domain/governance/index.js';
import type { IamInventory, ManagedPolicy } from '../../../lib/domain/inventory.js';
import type { Policy } from '../../../lib/domain/policy/schema.js';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { ACCOUNT, aRole } from '../../support/fakes/iam-read.js';
import { type Harness, harness } from './harness.js';

const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/nhi/${name}`;
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const PASS_ANY = { Sid: 'PassAnyRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' };
const FUNCTIONS = {
  Sid: 'Functions',
  Effect: 'Allow',
  Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'],
  Resource: '*',
};
const PASS_ONE = {
  Sid: 'PassTheAppRole',
  Effect: 'Allow',
  Action: 'iam:PassRole',
  Resource: `arn:aws:iam::${ACCOUNT}:role/nhi/app-lambda-exec`,
};

const policy = (name: string, document: unknown, defaultVersionId = 'v1'): ManagedPolicy => ({
  arn: arn(name),
  name,
  defaultVersionId,
  document,
});

function inventory(
  extra: { policies?: ManagedPolicy[]; role?: Parameters<typeof aRole>[1] } = {},
): IamInventory {
  return {
    source: 'snapshot',
    collectedAt: '2026-03-01T00:00:00.000Z',
    accountId: ACCOUNT,
    roles: [aRole('deployer', extra.role ?? {})],
    users: [],
    managedPolicies: [
      policy('app-deploy', doc(PASS_ANY, FUNCTIONS)),
      policy('app-deploy-scoped', doc(PASS_ONE, FUNCTIONS)),
      policy('lambda-only', doc(FUNCTIONS)),
      policy('pass-any', doc(PASS_ANY)),
      policy('no-pass-boundary', doc({ Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' })),
      ...(extra.policies ?? []),
    ],
    groups: [],
    origin: ['test'],
  };
}

const grantOf = (policyName: string) => ({
  kind: 'grant',
  identity: { type: 'role', name: 'deployer' },
  entitlement: { type: 'managed-policy', policyArn: arn(policyName) },
  justification: "deploy the app's Lambda functions from CI",
  owner: 'team-payments',
});

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

function governance(inv: IamInventory, p: Policy = h.policy): Governance {
  return createGovernance({ ...h.deps, policy: p, documents: new SnapshotPolicyDocuments(inv) });
}

describe('escalation-aware tiers (DynamoDB Local)', () => {
  it('puts a customer-managed policy with PassRole on * + CreateFunction + InvokeFunction at the high tier, and says why', async () => {
    // Arrange
    const gov = governance(inventory());

    // Act
    const d = await gov.submit({ request: grantOf('app-deploy'), requester: ALICE, source: 'api' });

    // Assert
    expect(d).toMatchObject({ status: 'pending', tier: 'high', requiredApprovals: 2 });
    expect(d.tierRule).toBe('escalation.completesPath (passrole-lambda-create-invoke)');
    expect(d.escalation?.completes.map((p) => p.id)).toEqual(['passrole-lambda-create-invoke']);
    expect(d.escalation?.completes[0]?.because).toEqual([
      `iam:PassRole on any iam role by managed-policy:${arn('app-deploy')}#0 (PassAnyRole)`,
      `lambda:CreateFunction on * by managed-policy:${arn('app-deploy')}#1 (Functions)`,
      `lambda:InvokeFunction on * by managed-policy:${arn('app-deploy')}#1 (Functions)`,
    ]);
    expect(d.pinned).toMatchObject({ policyVersionId: 'v1', contentHash: expect.stringMatching(/^sha256:/) });
    expect(await h.decisions.get(d.id, { consistent: true })).toEqual(d);
    // One security approver is not enough any more: the high tier needs two.
    const once = await gov.approve({ id: d.id, actor: BOB });
    expect(once.status).toBe('pending');
    await expect(
      gov.approve({ id: d.id, actor: 'arn:aws:iam::111122223333:role/team-lead-dave' }),
    ).rejects.toThrow(/not an approver for tier "high"/);
    expect((await gov.approve({ id: d.id, actor: CAROL })).status).toBe('approved');
  });

  it('keeps a near-identical policy whose PassRole is scoped to one role at its configured tier', async () => {
    // Arrange
    const gov = governance(inventory());

    // Act
    const d = await gov.submit({ request: grantOf('app-deploy-scoped'), requester: ALICE, source: 'api' });

    // Assert
    expect(d).toMatchObject({ tier: 'low', requiredApprovals: 1, tierRule: 'kinds.grant' });
    expect(d.escalation).toMatchObject({ analysed: true, heldKnown: true, completes: [] });
  });

  it('counts what the identity already holds: a grant of the missing half completes the path', async () => {
    // Arrange: the role already may pass any role; the grant adds only the Lambda actions.
    const gov = governance(
      inventory({ role: { attachedManagedPolicies: [{ arn: arn('pass-any'), name: 'pass-any' }] } }),
    );

    // Act
    const d = await gov.submit({ request: grantOf('lambda-only'), requester: ALICE, source: 'api' });

    // Assert
    expect(d.tier).toBe('high');
    expect(d.escalation?.completes[0]?.because[0]).toContain(`managed-policy:${arn('pass-any')}#0`);
  });

  it('honours the permissions boundary the identity carries: no PassRole in the boundary, no path', async () => {
    // Arrange
    const gov = governance(inventory({ role: { permissionsBoundaryArn: arn('no-pass-boundary') } }));

    // Act
    const d = await gov.submit({ request: grantOf('app-deploy'), requester: ALICE, source: 'api' });

    // Assert
    expect(d).toMatchObject({ tier: 'low', escalation: { completes: [] } });
  });

  it('honours an unconditional Deny the identity holds, and counts a conditional one as open', async () => {
    // Arrange
    const deny = (condition?: Record<string, unknown>) => ({
      inlinePolicies: [
        {
          name: 'no-pass',
          document: doc({
            Effect: 'Deny',
            Action: 'iam:passrole',
            Resource: '*',
            ...(condition ? { Condition: condition } : {}),
          }),
        },
      ],
    });

    // Act
    const denied = await governance(inventory({ role: deny() })).submit({
      request: grantOf('app-deploy'),
      requester: ALICE,
      source: 'api',
    });
    const conditional = await governance(
      inventory({ role: deny({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }) }),
    ).submit({ request: grantOf('app-deploy'), requester: ALICE, source: 'api' });

    // Assert
    expect(denied.tier).toBe('low');
    expect(conditional.tier).toBe('high');
    expect(conditional.escalation?.completes[0]?.certainty).toBe('conditional');
    expect(conditional.escalation?.completes[0]?.because[0]).toMatch(
      /undecided: a conditional Deny may refuse it/,
    );
  });

  it('applies the unanalysable rule to a managed policy the snapshot does not hold, and says so', async () => {
    // Arrange
    const strict: Policy = {
      ...h.policy,
      document: { ...h.policy.document, escalation: { completesPath: 'high', unanalysable: 'high' } },
    };

    // Act
    const d = await governance(inventory(), strict).submit({
      request: grantOf('not-in-the-snapshot'),
      requester: ALICE,
      source: 'api',
    });

    // Assert
    expect(d).toMatchObject({ tier: 'high', tierRule: 'escalation.unanalysable' });
    expect(d.escalation?.analysed).toBe(false);
    expect(d.escalation?.notes[0]).toMatch(/not-in-the-snapshot was not found/);
    expect(d.pinned).toBeUndefined();
  });

  it('is not fooled by other spellings of the same permissions', async () => {
    const passSpellings = fc.constantFrom(
      { Action: 'iam:PassRole', Resource: '*' },
      { Action: 'IAM:PASSROLE', Resource: '*' },
      { Action: 'iam:Pass*', Resource: '*' },
      { Action: 'iam:*', Resource: 'arn:aws:iam::*:role/*' },
      { Action: ['s3:GetObject', 'iam:passRole'], Resource: [`arn:aws:iam::${ACCOUNT}:role/*`] },
      { NotAction: ['s3:*', 'ec2:*'], Resource: '*' },
      { Action: 'iam:P?ssRole', Resource: '*' },
    );
    const lambdaSpellings = fc.constantFrom(
      { Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
      { Action: 'lambda:*', Resource: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:*` },
      { Action: ['LAMBDA:createfunction', 'Lambda:Invoke*'], Resource: '*' },
      { NotAction: 'iam:*', Resource: '*' },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(passSpellings, lambdaSpellings, fc.boolean(), async (pass, lambda, merged) => {
        // Arrange
        const name = `spelled-${n++}`;
        const statements = merged
          ? [
              { Effect: 'Allow', ...pass },
              { Effect: 'Allow', ...lambda },
            ]
          : [
              { Effect: 'Allow', ...lambda },
              { Sid: 'x', Effect: 'Allow', ...pass },
            ];
        const gov = governance(inventory({ policies: [policy(name, doc(...statements))] }));

        // Act
        const d = await gov.submit({ request: grantOf(name), requester: ALICE, source: 'api' });

        // Assert
        expect(d.tier, JSON.stringify(statements)).toBe('high');
        expect(d.escalation?.completes.map((p) => p.id)).toContain('passrole-lambda-create-invoke');
      }),
      { numRuns: 25 },
    );
  });
});
