import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { GOVERNANCE_IAM_READ_ACTIONS } from '../../lib/config/iam-reads.js';
import { allowedActionsOf, renderResource, roleStatements } from './support/policies.js';
import { ORG, type Synthesized, synthMultiAccount } from './support/synth.js';

const MEMBER = ORG.memberAccounts[0];
let governance: Synthesized;
let member: Synthesized;

beforeAll(() => {
  ({ governance, member } = synthMultiAccount());
});

const busPolicies = (s: Synthesized) =>
  Object.values(s.template.findResources('AWS::Events::EventBusPolicy')).map((p) => p.Properties);
const roleOf = (stack: NhiGovStack, f: { role: { node: { defaultChild?: unknown } } }) =>
  stack.getLogicalId(f.role.node.defaultChild as CfnElement);

describe('multi-account option: governance in a central account, executors and scanners in members', () => {
  it('splits the suite: decisions and governance centrally; trail, findings, executors and scanner in the member', () => {
    const fnCount = (s: Synthesized) => Object.keys(s.template.findResources('AWS::Lambda::Function')).length;
    expect(fnCount(governance)).toBe(4);
    expect(fnCount(member)).toBe(3);
    expect(Object.keys(governance.stack.data.tables)).toEqual(['decisions']);
    expect(Object.keys(member.stack.data.tables).sort()).toEqual(['executions', 'findings', 'idempotency']);
    expect(governance.stack.provisioning).toBeUndefined();
    expect(member.stack.governance).toBeUndefined();
  });

  it('keeps every governance role free of IAM writes and Secrets Manager actions', () => {
    for (const roleId of Object.keys(governance.template.findResources('AWS::IAM::Role'))) {
      const statements = roleStatements(governance.template, roleId);
      // At most the read-only calls of the escalation analysis (docs/escalation.md).
      for (const action of allowedActionsOf(statements, 'iam'))
        expect(GOVERNANCE_IAM_READ_ACTIONS as readonly string[], `${roleId} ${action}`).toContain(action);
      expect(allowedActionsOf(statements, 'secretsmanager'), roleId).toEqual([]);
    }
  });

  it('accepts events on each bus only from the other side, and only from inside the organization', () => {
    for (const [side, from] of [
      [governance, MEMBER],
      [member, ORG.governanceAccount],
    ] as const) {
      // The other statement is the Deny on `nhi-gov` events from non-suite roles (suite-bus.test.ts).
      const policies = busPolicies(side).filter((p) => p.Statement.Effect === 'Allow');
      expect(policies).toHaveLength(1);
      const statement = policies[0]?.Statement;
      expect(statement.Action).toBe('events:PutEvents');
      expect(JSON.stringify(statement.Principal)).toContain(from);
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': ORG.organizationId } });
    }
  });

  it('forwards decisions to the member bus and outcomes back to the governance bus', () => {
    const forwardTargets = (s: Synthesized) =>
      Object.values(s.template.findResources('AWS::Events::Rule'))
        .flatMap((r) => r.Properties.Targets as { Arn: unknown }[])
        .map((t) => JSON.stringify(t.Arn))
        .filter((arn) => arn.includes(':event-bus/'));
    expect(forwardTargets(governance).join()).toContain(`${ORG.region}:${MEMBER}:event-bus/nhi-gov"`);
    expect(forwardTargets(member).join()).toContain(
      `${ORG.region}:${ORG.governanceAccount}:event-bus/nhi-gov-${MEMBER}`,
    );
  });

  it("lets only the member's executors and scanner read the central decisions table, from the organization", () => {
    const [table] = Object.values(governance.template.findResources('AWS::DynamoDB::GlobalTable'));
    const policy = table?.Properties.Replicas[0].ResourcePolicy.PolicyDocument;
    expect(table?.Properties.TableName).toBe(`nhi-gov-decisions-${MEMBER}`);
    const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(new Set(actions)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const s of policy.Statement) {
      expect(s.Condition.StringEquals['aws:PrincipalOrgID']).toBe(ORG.organizationId);
      for (const arn of [s.Condition.ArnEquals['aws:PrincipalArn']].flat()) {
        expect(renderResource(arn)).toMatch(
          new RegExp(
            `^arn:<AWS::Partition>:iam::${MEMBER}:role/nhi-gov/nhi-gov-(provision|rotate|scan)-${ORG.region}$`,
          ),
        );
      }
    }
  });

  it("points the member's executors at the central decisions table by ARN", () => {
    const provision = member.stack.provisioning?.provision;
    if (!provision) throw new Error('no provision in member stack');
    const fn =
      member.template.findResources('AWS::Lambda::Function')[
        member.stack.getLogicalId(provision.fn.node.defaultChild as CfnElement)
      ];
    expect(JSON.stringify(fn?.Properties.Environment.Variables.DECISIONS_TABLE_NAME)).toContain(
      `:dynamodb:${ORG.region}:${ORG.governanceAccount}:table/nhi-gov-decisions-${MEMBER}`,
    );
    // And the role the resource policy names is the role the function runs as.
    const role = member.template.findResources('AWS::IAM::Role')[roleOf(member.stack, provision)];
    expect(role?.Properties.RoleName).toBe(`nhi-gov-provision-${ORG.region}`);
    expect(role?.Properties.Path).toBe('/nhi-gov/');
  });
});
