import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ONLY_SUITE_ROLES_SID } from '../../infra/constructs/event-bus.js';
import { EVENT_SOURCE } from '../../lib/domain/events.js';
import { renderResource } from './support/policies.js';
import { ORG, type Synthesized, synthMultiAccount, synthSingle } from './support/synth.js';

const single = synthSingle();
const multi = synthMultiAccount();
const MEMBER = ORG.memberAccounts[0];

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
    for (const s of [single, multi.governance, multi.member]) {
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

  it("exempts the other side's suite roles in the multi-account option, so forwarding still works", () => {
    for (const [side, peer, own] of [
      [multi.governance, MEMBER, ORG.governanceAccount],
      [multi.member, ORG.governanceAccount, MEMBER],
    ] as const) {
      const arns = [suiteOnly(side).Condition.ArnNotLike['aws:PrincipalArn']].flat().map(renderResource);
      expect(arns).toEqual([
        `arn:<AWS::Partition>:iam::${own}:role/nhi-gov/*`,
        `arn:<AWS::Partition>:iam::${own}:role/nhi-gov-*`,
        `arn:<AWS::Partition>:iam::${peer}:role/nhi-gov/*`,
        `arn:<AWS::Partition>:iam::${peer}:role/nhi-gov-*`,
      ]);
    }
    // The forwarding rules' roles (which put on the other bus) are under the suite path.
    for (const side of [multi.governance, multi.member]) {
      const forwarders = Object.values(side.template.findResources('AWS::IAM::Role')).filter((r) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('events.amazonaws.com'),
      );
      expect(forwarders.length).toBeGreaterThan(0);
      for (const r of forwarders) expect(r.Properties.Path).toBe('/nhi-gov/');
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

  it('without a workflow (multi-account governance) lists only a reserved role no workflow has, never empty', () => {
    const value = renderResource(taskEnv(multi.governance).TASK_REQUESTER_ARNS);
    expect(value).toBe(
      `arn:<AWS::Partition>:iam::${ORG.governanceAccount}:role/nhi-gov/nhi-gov-no-workflow-deployed`,
    );
    expect(multi.governance.stack.workflow).toBeUndefined();
  });
});
