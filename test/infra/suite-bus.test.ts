import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ONLY_SUITE_ROLES_SID } from '../../infra/constructs/event-bus.js';
import { EVENT_SOURCE } from '../../lib/domain/events.js';
import { renderResource } from './support/policies.js';
import { ORG, type Synthesized, synthOrganization, synthSingle } from './support/synth.js';

const single = synthSingle();
const org = synthOrganization();

/** The bus policy statement that refuses `nhi-gov` events from non-suite principals. */
function suiteOnly(s: Synthesized) {
  const statements = Object.values(s.template.findResources('AWS::Events::EventBusPolicy'))
    .map((p) => p.Properties.Statement)
    .filter((st) => st.Sid === `cdk-${ONLY_SUITE_ROLES_SID}`);
  expect(statements).toHaveLength(1);
  return statements[0];
}

describe('the suite bus accepts nhi-gov events only from the suite roles (forged RevokeRequested)', () => {
  it('denies PutEvents with source nhi-gov to every principal but the suite role path and names', () => {
    const st = suiteOnly(single);
    expect(st.Effect).toBe('Deny');
    expect(st.Principal).toEqual({ AWS: '*' });
    expect(st.Action).toBe('events:PutEvents');
    expect(st.Condition.StringEquals).toEqual({ 'events:source': EVENT_SOURCE });
    expect([st.Condition.ArnNotLike['aws:PrincipalArn']].flat().map(renderResource)).toEqual([
      'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/nhi-gov/*',
      'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/nhi-gov-*',
    ]);
  });

  it('exempts every role that publishes: functions, pipes, the JIT scheduler and the forwarding rules', () => {
    for (const s of [single, org.hub, org.member]) {
      const publishers = Object.entries(s.template.findResources('AWS::IAM::Role')).filter(([id, role]) =>
        JSON.stringify([
          role,
          ...Object.values(s.template.findResources('AWS::IAM::Policy')).filter((p) =>
            JSON.stringify(p.Properties.Roles).includes(`"${id}"`),
          ),
        ]).includes('events:PutEvents'),
      );
      expect(publishers.length, s.stack.stackName).toBeGreaterThanOrEqual(2);
      // Under /nhi-gov/, which the Deny's ArnNotLike exempts.
      for (const [id, role] of publishers) expect(role.Properties.Path, id).toBe('/nhi-gov/');
    }
  });

  it("exempts the other side's suite roles in organization mode, so forwarding and dispatch still work", () => {
    // Hub: its own roles and a member's (any account: the Allow admits only the members' forwarding
    // role, from inside the organization). Member: its own roles and the hub's.
    for (const [side, peer, own] of [
      [org.hub, '*', ORG.hubAccount],
      [org.member, ORG.hubAccount, '<AWS::AccountId>'],
    ] as const) {
      const arns = [suiteOnly(side).Condition.ArnNotLike['aws:PrincipalArn']].flat().map(renderResource);
      expect(arns).toEqual([
        `arn:<AWS::Partition>:iam::${own}:role/nhi-gov/*`,
        `arn:<AWS::Partition>:iam::${own}:role/nhi-gov-*`,
        `arn:<AWS::Partition>:iam::${peer}:role/nhi-gov/*`,
        `arn:<AWS::Partition>:iam::${peer}:role/nhi-gov-*`,
      ]);
    }
    // The roles that put on the other side's bus (forwarding rule, dispatch) are under the suite path.
    for (const side of [org.hub, org.member]) {
      const crossers = Object.values(side.template.findResources('AWS::IAM::Role')).filter((r) =>
        /events\.amazonaws\.com|states\.amazonaws\.com/.test(
          JSON.stringify(r.Properties.AssumeRolePolicyDocument),
        ),
      );
      expect(crossers.length).toBeGreaterThan(0);
      for (const r of crossers) expect(r.Properties.Path).toBe('/nhi-gov/');
    }
  });
});

describe('governance-task files only for the workflow role (TASK_REQUESTER_ARNS)', () => {
  const taskEnv = (s: Synthesized) => {
    const task = s.stack.governance?.task;
    if (!task) throw new Error('no governance task');
    const id = s.stack.getLogicalId(task.fn.node.defaultChild as CfnElement);
    return s.template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables;
  };

  it('lists exactly the role the example workflow puts in the requester field', () => {
    const workflow = single.stack.workflow;
    if (!workflow) throw new Error('no workflow');
    const roleId = single.stack.getLogicalId(workflow.role.node.defaultChild as CfnElement);
    expect(taskEnv(single).TASK_REQUESTER_ARNS).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const [machine] = Object.values(single.template.findResources('AWS::StepFunctions::StateMachine')).filter(
      (m) => JSON.stringify(m.Properties.DefinitionString).includes('SubmitAndWaitForDecision'),
    );
    // The definition's "requester" is the same GetAtt of the same role.
    expect(JSON.stringify(machine?.Properties.DefinitionString)).toContain(
      `\\"requester\\":\\"",{"Fn::GetAtt":["${roleId}","Arn"]}`,
    );
  });

  it('without a workflow (the organization hub) lists only a reserved role no workflow has, never empty', () => {
    const value = renderResource(taskEnv(org.hub).TASK_REQUESTER_ARNS);
    expect(value).toBe(
      `arn:<AWS::Partition>:iam::${ORG.hubAccount}:role/nhi-gov/nhi-gov-no-workflow-deployed`,
    );
    expect(org.hub.stack.workflow).toBeUndefined();
  });
});
