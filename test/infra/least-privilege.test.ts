import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUITE_ROLE_PATH } from '../../infra/config.js';
import { GOVERNANCE_DECISIONS_ACTIONS } from '../../infra/constructs/governance.js';
import type { NhiFunction } from '../../infra/constructs/nhi-function.js';
import { BOUNDARY_CONDITIONED_ACTIONS } from '../../infra/constructs/provisioning.js';
import { SCANNER_IAM_ACTIONS } from '../../infra/constructs/scanners.js';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { GOVERNANCE_IAM_READ_ACTIONS, POLICY_READ_ACTIONS } from '../../lib/config/iam-reads.js';
import {
  allowedActionsOf,
  allowsOnTable,
  coversAction,
  renderResource,
  roleStatements,
  type Statement,
} from './support/policies.js';
import { synthSingle } from './support/synth.js';

let stack: NhiGovStack;
let template: Template;
const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const statementsOf = (f: NhiFunction) => roleStatements(template, id(f.role));

/** Every role in the template with its statements. */
const allRoles = () =>
  Object.keys(template.findResources('AWS::IAM::Role')).map((roleId) => ({
    roleId,
    statements: roleStatements(template, roleId),
  }));

const DYNAMO_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

const IAM_WRITE_SAMPLE = [
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRole',
  'iam:CreateAccessKey',
  'iam:UpdateAssumeRolePolicy',
  'iam:PassRole',
  'iam:CreatePolicyVersion',
];

beforeAll(() => {
  ({ stack, template } = synthSingle());
});

describe('least privilege: the synthesized roles prove the invariants', () => {
  it('gives every function its own role, with no managed policies', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    const roles = fns.map((f) => JSON.stringify(f.Properties.Role));
    expect(fns).toHaveLength(8);
    expect(new Set(roles).size).toBe(8);
    // roleStatements throws on a managed policy; run it over every role.
    for (const { roleId } of allRoles()) expect(() => roleStatements(template, roleId), roleId).not.toThrow();
  });

  it('governance roles have no IAM write nor Secrets Manager action, and no executions-table access', () => {
    const governance = stack.governance;
    expect(governance?.functions).toHaveLength(4);
    for (const f of governance?.functions ?? []) {
      const statements = statementsOf(f);
      // Only the read-only calls of the escalation analysis, and only for the functions that file requests.
      expect(allowedActionsOf(statements, 'iam'), f.functionId).toEqual(
        f.functionId === 'governanceCallback' ? [] : [...GOVERNANCE_IAM_READ_ACTIONS],
      );
      for (const action of allowedActionsOf(statements, 'iam'))
        expect(action, f.functionId).toMatch(/^iam:(Get|List)[A-Za-z]+$/);
      const iamResources = statements
        .filter((st) => st.Effect === 'Allow' && st.Action.some((a) => a.startsWith('iam:')))
        .flatMap((st) => st.Resource.map(renderResource));
      for (const r of iamResources)
        expect(r, f.functionId).toMatch(
          /^arn:<AWS::Partition>:iam::(<AWS::AccountId>:(role|user|group|policy)|aws:policy)\/\*$/,
        );
      expect(allowedActionsOf(statements, 'secretsmanager'), f.functionId).toEqual([]);
      for (const action of ['dynamodb:Query', 'dynamodb:GetItem', ...DYNAMO_WRITES]) {
        expect(
          allowsOnTable(statements, action, id(stack.data.executions)),
          `${f.functionId} ${action}`,
        ).toEqual([]);
      }
      // Exactly the decisions-table actions its handler declares, and no delete.
      const onDecisions = statements.filter((s) =>
        s.Resource.some((r) => JSON.stringify(r).includes(`"${id(stack.data.decisions)}"`)),
      );
      expect(onDecisions.flatMap((s) => s.Action)).toEqual([
        ...GOVERNANCE_DECISIONS_ACTIONS[f.functionId as keyof typeof GOVERNANCE_DECISIONS_ACTIONS],
      ]);
      expect(allowsOnTable(statements, 'dynamodb:DeleteItem', id(stack.data.decisions))).toEqual([]);
    }
  });

  it('only governance roles can write the decisions table: no executor, scanner, pipe or workflow role can', () => {
    const governanceRoles = new Set((stack.governance?.functions ?? []).map((f) => id(f.role)));
    const writers = allRoles()
      .filter(({ statements }) =>
        DYNAMO_WRITES.some((a) => allowsOnTable(statements, a, id(stack.data.decisions)).length > 0),
      )
      .map((r) => r.roleId);
    expect(new Set(writers)).toEqual(governanceRoles);
  });

  it('executors re-read decisions with GetItem (and provision queries one index), never more', () => {
    const decisions = id(stack.data.decisions);
    const onDecisions = (f: NhiFunction) =>
      statementsOf(f)
        .filter(
          (s) => s.Effect === 'Allow' && s.Resource.some((r) => JSON.stringify(r).includes(`"${decisions}"`)),
        )
        .map((s) => ({ actions: s.Action, resources: s.Resource.map(renderResource) }));
    expect(onDecisions(stack.provisioning?.provision as NhiFunction)).toEqual([
      { actions: ['dynamodb:GetItem'], resources: [`<${decisions}.Arn>`] },
      { actions: ['dynamodb:Query'], resources: [`<${decisions}.Arn>/index/by-identity`] },
    ]);
    expect(onDecisions(stack.rotation?.rotate as NhiFunction)).toEqual([
      { actions: ['dynamodb:GetItem'], resources: [`<${decisions}.Arn>`] },
    ]);
  });

  it('no role anywhere can update or delete execution records; only provision and rotate can append', () => {
    const executions = id(stack.data.executions);
    for (const { roleId, statements } of allRoles()) {
      for (const action of [
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PartiQLDelete',
      ]) {
        expect(allowsOnTable(statements, action, executions), `${roleId} ${action}`).toEqual([]);
      }
    }
    const appenders = allRoles()
      .filter(({ statements }) => allowsOnTable(statements, 'dynamodb:PutItem', executions).length > 0)
      .map((r) => r.roleId);
    expect(new Set(appenders)).toEqual(
      new Set([
        id(stack.provisioning?.provision.role ?? { node: {} }),
        id(stack.rotation?.rotate.role ?? { node: {} }),
      ]),
    );
  });

  describe('the provision role', () => {
    let statements: Statement[];
    let boundaryRef: unknown;
    beforeAll(() => {
      const provision = stack.provisioning?.provision;
      if (!provision || !stack.boundary?.policy) throw new Error('missing provisioning');
      statements = statementsOf(provision);
      boundaryRef = { Ref: id(stack.boundary.policy) };
    });

    it('can create and change roles and users only with the boundary attached and only under the managed path', () => {
      for (const action of BOUNDARY_CONDITIONED_ACTIONS) {
        const granting = statements.filter((s) => s.Effect === 'Allow' && coversAction(s, action));
        expect(granting.length, action).toBeGreaterThan(0);
        for (const s of granting) {
          expect(s.Condition?.StringEquals?.['iam:PermissionsBoundary'], `${action} condition`).toEqual(
            boundaryRef,
          );
          for (const r of s.Resource) {
            expect(renderResource(r), action).toMatch(
              /^arn:<AWS::Partition>:iam::<AWS::AccountId>:(role|user)\/nhi\/\*$/,
            );
          }
        }
      }
    });

    it('tells the function the same boundary its policy enforces', () => {
      const fn =
        template.findResources('AWS::Lambda::Function')[id(stack.provisioning?.provision.fn ?? { node: {} })];
      expect(fn?.Properties.Environment.Variables.PERMISSIONS_BOUNDARY_ARN).toEqual(boundaryRef);
    });

    it('allows IAM only on the managed path, except passing the scheduler role to Scheduler', () => {
      for (const s of statements.filter(
        (x) => x.Effect === 'Allow' && x.Action.some((a) => a.startsWith('iam:')),
      )) {
        if (s.Sid === 'DetachManagedIdentitiesForDeletion') {
          // Authorized on the profile or group only; they can only remove memberships.
          expect(s.Action).toEqual(['iam:RemoveRoleFromInstanceProfile', 'iam:RemoveUserFromGroup']);
          expect(s.Resource.map(renderResource)).toEqual([
            'arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/*',
            'arn:<AWS::Partition>:iam::<AWS::AccountId>:group/*',
          ]);
          continue;
        }
        if (s.Sid === 'ReadManagedPolicyVersions') {
          // Read-only: the pinned-version check before an attach (docs/escalation.md).
          expect(s.Action).toEqual([...POLICY_READ_ACTIONS]);
          expect(s.Resource.map(renderResource)).toEqual([
            'arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*',
            'arn:<AWS::Partition>:iam::aws:policy/*',
          ]);
          continue;
        }
        if (s.Sid === 'DeleteDeactivatedVirtualMfaDevices') {
          // Authorized on the MFA device only (its own path); IAM refuses it while the device is assigned.
          expect(s.Action).toEqual(['iam:DeleteVirtualMFADevice']);
          expect(s.Resource.map(renderResource)).toEqual([
            'arn:<AWS::Partition>:iam::<AWS::AccountId>:mfa/*',
          ]);
          continue;
        }
        if (s.Action.includes('iam:PassRole')) {
          expect(s.Action).toEqual(['iam:PassRole']);
          expect(s.Resource).toEqual([
            { 'Fn::GetAtt': [id(stack.provisioning?.schedulerRole ?? { node: {} }), 'Arn'] },
          ]);
          expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
          continue;
        }
        for (const r of s.Resource) expect(renderResource(r), s.Sid).toMatch(/:(role|user)\/nhi\/\*$/);
      }
    });

    it('cannot change or delete the boundary policy, nor take a boundary off', () => {
      const boundaryWrites = [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
      ];
      for (const action of boundaryWrites) {
        const denied = statements.some(
          (s) =>
            s.Effect === 'Deny' &&
            coversAction(s, action) &&
            s.Resource.some((r) => JSON.stringify(r) === JSON.stringify(boundaryRef)),
        );
        expect(denied, action).toBe(true);
        const allowed = statements.filter(
          (s) =>
            s.Effect === 'Allow' &&
            coversAction(s, action) &&
            s.Resource.some((r) => r === '*' || JSON.stringify(r) === JSON.stringify(boundaryRef)),
        );
        expect(allowed, action).toEqual([]);
      }
      for (const action of ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary']) {
        expect(
          statements.some((s) => s.Effect === 'Deny' && coversAction(s, action) && s.Resource.includes('*')),
          action,
        ).toBe(true);
      }
    });

    it("denies every IAM write on the suite's own roles, which live outside the managed path", () => {
      const suitePath = renderResource({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':iam::',
            { Ref: 'AWS::AccountId' },
            `:role${SUITE_ROLE_PATH}*`,
          ],
        ],
      });
      const deny = statements.find(
        (s) => s.Effect === 'Deny' && s.Resource.some((r) => renderResource(r) === suitePath),
      );
      expect(deny).toBeDefined();
      for (const action of IAM_WRITE_SAMPLE.filter((a) => a !== 'iam:PassRole')) {
        expect(deny && coversAction(deny, action), action).toBe(true);
      }
      // Every suite role really is under that path.
      for (const [roleId, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.Path, roleId).toBe(SUITE_ROLE_PATH);
      }
    });
  });

  it('scanners are read-only on IAM and cannot touch Secrets Manager', () => {
    const scan = stack.scanners?.scan;
    if (!scan) throw new Error('missing scanner');
    const statements = statementsOf(scan);
    expect(allowedActionsOf(statements, 'iam').sort()).toEqual([...SCANNER_IAM_ACTIONS].sort());
    for (const a of SCANNER_IAM_ACTIONS) expect(a).toMatch(/^iam:(Get|Generate|List)/);
    expect(allowedActionsOf(statements, 'secretsmanager')).toEqual([]);
    for (const action of DYNAMO_WRITES) {
      expect(allowsOnTable(statements, action, id(stack.data.decisions)), action).toEqual([]);
    }
  });

  it('only provision (create, under the prefix) and rotate hold Secrets Manager permissions', () => {
    const holders = allRoles()
      .filter(({ statements }) => allowedActionsOf(statements, 'secretsmanager').length > 0)
      .map((r) => r.roleId);
    const expected = [
      stack.provisioning?.provision.role,
      stack.rotation?.rotate.role,
      stack.rotation?.enableRotation.role,
    ];
    expect(new Set(holders)).toEqual(new Set(expected.map((r) => id(r ?? { node: {} }))));
    for (const { statements } of allRoles()) {
      for (const s of statements.filter(
        (x) => x.Effect === 'Allow' && x.Action.some((a) => a.startsWith('secretsmanager:')),
      )) {
        for (const r of s.Resource) expect(renderResource(r)).toMatch(/:secret:nhi-gov\/\*$/);
      }
    }
  });

  it('lets the JIT scheduler role put events on the suite bus and dead-letter, nothing else', () => {
    const statements = roleStatements(template, id(stack.provisioning?.schedulerRole ?? { node: {} }));
    expect(
      statements
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => s.Action)
        .sort(),
    ).toEqual(['events:PutEvents', 'sqs:SendMessage']);
  });

  it('lets the key scheduler role invoke the rotation function, nothing else, and only from its group', () => {
    const role = stack.rotation?.keySchedulerRole;
    if (!role) throw new Error('missing key scheduler role');
    const statements = roleStatements(template, id(role));
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.flatMap((s) => s.Action)).toEqual(['lambda:InvokeFunction']);
    expect(allows.flatMap((s) => s.Resource).map(renderResource)).toEqual([
      expect.stringMatching(/:lambda:.*:function:nhi-gov-rotate-/),
    ]);
    const trust = template.findResources('AWS::IAM::Role')[id(role)]?.Properties.AssumeRolePolicyDocument;
    const [assume] = trust.Statement;
    expect(assume.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(JSON.stringify(assume.Condition.ArnLike['aws:SourceArn'])).toContain(
      stack.getLogicalId(stack.rotation?.keyScheduleGroup.node.defaultChild as CfnElement),
    );
  });

  it('lets rotate create key schedules in its group only, and pass the key scheduler role to Scheduler only', () => {
    const rotate = stack.rotation?.rotate;
    if (!rotate) throw new Error('missing rotate');
    const statements = statementsOf(rotate).filter((s) => s.Effect === 'Allow');
    expect(allowedActionsOf(statements, 'scheduler')).toEqual(['scheduler:CreateSchedule']);
    const schedules = statements.filter((s) => s.Action.some((a) => a.startsWith('scheduler:')));
    expect(schedules.flatMap((s) => s.Resource).map(renderResource)).toEqual([
      expect.stringMatching(/:schedule\/nhi-gov-keys\/\*$/),
    ]);
    const pass = statements.filter((s) => s.Action.includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0]?.Resource).toEqual([
      { 'Fn::GetAtt': [id(stack.rotation?.keySchedulerRole ?? { node: {} }), 'Arn'] },
    ]);
    expect(pass[0]?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    // The provision role cannot pass it, nor touch the key schedules.
    const provision = stack.provisioning?.provision;
    if (!provision) throw new Error('missing provision');
    for (const s of statementsOf(provision).filter((x) => x.Effect === 'Allow')) {
      for (const r of s.Resource) expect(renderResource(r)).not.toMatch(/nhi-gov-keys/);
    }
  });
});
