import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SUITE_TAG } from '../../infra/constructs/permissions-boundary.js';
import { coversAction, renderResource, type Statement } from './support/policies.js';
import { synthOrganization, synthSingle } from './support/synth.js';

const single = synthSingle();
const member = synthOrganization().member;

const ARN = 'arn:<AWS::Partition>';
const HERE = '<AWS::Region>:<AWS::AccountId>';

/** The boundary's statements, resources rendered as text (`<Logical.Arn>`, `<AWS::Region>`). */
function boundary(template: Template): (Statement & { resources: string[]; notResources: string[] })[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return ((policies[0]?.Properties.PolicyDocument.Statement ?? []) as Record<string, unknown>[]).map((s) => ({
    ...(s as unknown as Statement),
    Action: list(s.Action) as string[],
    NotAction: list(s.NotAction) as string[],
    Resource: list(s.Resource),
    resources: list(s.Resource).map(renderResource),
    notResources: list(s.NotResource).map(renderResource),
  }));
}

/** Whether the boundary denies `action` on a resource whose rendering satisfies `matches`, unconditionally. */
function denies(template: Template, action: string, matches: (resource: string) => boolean): boolean {
  return boundary(template).some(
    (s) => s.Effect === 'Deny' && !s.Condition && coversAction(s, action) && s.resources.some(matches),
  );
}

const logicalIds = (template: Template, type: string) => Object.keys(template.findResources(type));

describe('the permissions boundary keeps every provisioned identity off the suite itself', () => {
  const template = single.template;

  it('denies rewriting or invoking the suite functions, and every function is named under that deny', () => {
    const pattern = `${ARN}:lambda:${HERE}:function:nhi-gov-*`;
    for (const action of [
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:InvokeFunction',
      'lambda:AddPermission',
    ]) {
      expect(
        denies(template, action, (r) => r === pattern),
        action,
      ).toBe(true);
    }
    const names = Object.values(template.findResources('AWS::Lambda::Function')).map((f) =>
      renderResource(f.Properties.FunctionName ?? '<generated>'),
    );
    expect(names).toHaveLength(8);
    for (const name of names) expect(name).toMatch(/^nhi-gov-[a-z-]+-<AWS::Region>$/);
    // And no event source mapping may be pointed at them.
    const esm = boundary(template).find((s) => s.Sid === 'NoEventSourceMappingsToSuiteFunctions');
    expect(esm?.Effect).toBe('Deny');
    expect(renderResource(esm?.Condition?.ArnLike?.['lambda:FunctionArn'])).toBe(pattern);
  });

  it('denies publishing on the suite bus and changing its rules and archive', () => {
    const [bus] = logicalIds(template, 'AWS::Events::EventBus');
    for (const action of [
      'events:PutEvents',
      'events:PutRule',
      'events:PutTargets',
      'events:DeleteRule',
      'events:RemoveTargets',
      'events:DisableRule',
    ]) {
      expect(
        denies(template, action, (r) => r === `<${bus}.Arn>`),
        action,
      ).toBe(true);
      expect(
        denies(template, action, (r) => r === `${ARN}:events:${HERE}:rule/<${bus}>/*`),
        action,
      ).toBe(true);
    }
    for (const rule of logicalIds(template, 'AWS::Events::Rule')) {
      const onBus = JSON.stringify(
        template.findResources('AWS::Events::Rule')[rule]?.Properties.EventBusName ?? '',
      );
      if (!onBus.includes(bus as string))
        expect(
          denies(template, 'events:PutTargets', (r) => r === `<${rule}.Arn>`),
          rule,
        ).toBe(true);
    }
    for (const archive of logicalIds(template, 'AWS::Events::Archive')) {
      expect(denies(template, 'events:StartReplay', (r) => r === `<${archive}.Arn>`)).toBe(true);
    }
  });

  it('denies the access-key secrets, the JIT schedules and the scan schedule', () => {
    expect(
      denies(
        template,
        'secretsmanager:GetSecretValue',
        (r) => r === `${ARN}:secretsmanager:${HERE}:secret:nhi-gov/*`,
      ),
    ).toBe(true);
    // The JIT revokes, and the replaced access keys' deactivate/delete schedules (which invoke rotate).
    for (const group of ['nhi-gov-jit', 'nhi-gov-keys']) {
      for (const action of [
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:UpdateSchedule',
      ]) {
        expect(
          denies(template, action, (r) => r === `${ARN}:scheduler:${HERE}:schedule/${group}/*`),
          `${action} ${group}`,
        ).toBe(true);
      }
      expect(
        denies(
          template,
          'scheduler:DeleteScheduleGroup',
          (r) => r === `${ARN}:scheduler:${HERE}:schedule-group/${group}`,
        ),
        group,
      ).toBe(true);
    }
    const [scan] = logicalIds(template, 'AWS::Scheduler::Schedule');
    expect(denies(template, 'scheduler:UpdateSchedule', (r) => r === `<${scan}.Arn>`)).toBe(true);
  });

  it('denies the state machines and their executions', () => {
    const machines = logicalIds(template, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(2);
    for (const m of machines) {
      expect(
        denies(template, 'states:StartExecution', (r) => r === `<${m}.Arn>`),
        m,
      ).toBe(true);
      expect(
        denies(
          template,
          'states:StopExecution',
          (r) => r === `${ARN}:states:${HERE}:execution:<${m}.Name>:*`,
        ),
        m,
      ).toBe(true);
    }
  });

  it("denies the suite's tables with their indexes and streams, its alarm key and topic, and its stack", () => {
    for (const table of logicalIds(template, 'AWS::DynamoDB::GlobalTable')) {
      expect(
        denies(template, 'dynamodb:PutItem', (r) => r === `<${table}.Arn>`),
        table,
      ).toBe(true);
      expect(
        denies(template, 'dynamodb:GetRecords', (r) => r === `<${table}.Arn>/*`),
        table,
      ).toBe(true);
    }
    const [key] = logicalIds(template, 'AWS::KMS::Key');
    const [topic] = logicalIds(template, 'AWS::SNS::Topic');
    expect(denies(template, 'kms:ScheduleKeyDeletion', (r) => r === `<${key}.Arn>`)).toBe(true);
    expect(denies(template, 'sns:Unsubscribe', (r) => r === `<${topic}.TopicArn>`)).toBe(true);
    expect(
      denies(
        template,
        'cloudformation:DeleteStack',
        (r) => r === `${ARN}:cloudformation:${HERE}:stack/NhiGov/*`,
      ),
    ).toBe(true);
  });

  it('denies the dead-letter queues and pipes by the suite tag, which every one of them carries', () => {
    const byTag = boundary(template).find((s) => s.Sid === 'NoSuiteQueuesOrPipes');
    expect(byTag?.Effect).toBe('Deny');
    expect(
      ['sqs:PurgeQueue', 'sqs:DeleteQueue', 'pipes:StopPipe', 'pipes:DeletePipe'].every(
        (a) => byTag && coversAction(byTag, a),
      ),
    ).toBe(true);
    expect(byTag?.Condition).toEqual({ Null: { [`aws:ResourceTag/${SUITE_TAG}`]: 'false' } });
    for (const type of ['AWS::SQS::Queue', 'AWS::Pipes::Pipe']) {
      const resources = Object.entries(template.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const [id, r] of resources) {
        const tags = r.Properties.Tags as { Key: string }[] | Record<string, string>;
        const keys = Array.isArray(tags) ? tags.map((t) => t.Key) : Object.keys(tags ?? {});
        expect(keys, id).toContain(SUITE_TAG);
      }
    }
  });

  it("denies assuming or passing the suite's roles, and passing any role outside the managed path", () => {
    for (const action of ['sts:AssumeRole', 'iam:PassRole']) {
      expect(
        denies(template, action, (r) => r === `${ARN}:iam::<AWS::AccountId>:role/nhi-gov/*`),
        action,
      ).toBe(true);
      expect(
        denies(template, action, (r) => r === `${ARN}:iam::<AWS::AccountId>:role/nhi-gov-*`),
        action,
      ).toBe(true);
    }
    const pass = boundary(template).find((s) => s.Sid === 'PassOnlyManagedRoles');
    expect(pass?.Effect).toBe('Deny');
    expect(pass?.Action).toEqual(['iam:PassRole']);
    expect(pass?.notResources).toEqual([`${ARN}:iam::<AWS::AccountId>:role/nhi/*`]);
  });

  it('stays usable for workloads: no deny on a whole service without a suite resource', () => {
    const unscoped = boundary(template).filter(
      (s) => s.Effect === 'Deny' && !s.Condition && s.resources.includes('*'),
    );
    const services = new Set(unscoped.flatMap((s) => s.Action.map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['account', 'cloudtrail', 'iam', 'organizations']);
  });

  it('fits the 6,144-character managed policy limit with long real names', () => {
    // Worst case: every reference resolves to a long ARN or name.
    const resolved = JSON.stringify(
      Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0]?.Properties.PolicyDocument,
      (_k, v) =>
        v &&
        typeof v === 'object' &&
        !Array.isArray(v) &&
        ('Fn::Join' in v || 'Ref' in v || 'Fn::GetAtt' in v)
          ? renderResource(v)
          : v,
    )
      .replace(/<AWS::Partition>/g, 'aws-us-gov')
      .replace(/<AWS::Region>/g, 'ap-southeast-2')
      .replace(/<AWS::AccountId>/g, '123456789012')
      .replace(/<[A-Za-z0-9]+\.(Arn|TopicArn)>/g, 'x'.repeat(120))
      .replace(/<[A-Za-z0-9.]+>/g, 'x'.repeat(64));
    expect(resolved.length).toBeLessThan(6144);
  });

  it('protects the member stack of organization mode the same way', () => {
    const sids = boundary(member.template).map((s) => s.Sid);
    for (const sid of [
      'NoSuiteFunctions',
      'NoSuiteBusRulesOrArchive',
      'NoSuiteSecrets',
      'NoSuiteSchedules',
      'NoSuiteStateMachines',
      'NoSuiteQueuesOrPipes',
      'PassOnlyManagedRoles',
      'NoSuiteRoles',
      'NoSuiteRecords',
    ]) {
      expect(sids).toContain(sid);
    }
    for (const f of Object.values(member.template.findResources('AWS::Lambda::Function'))) {
      expect(renderResource(f.Properties.FunctionName ?? '<generated>')).toMatch(
        /^nhi-gov-(provision|rotate|scan)-<AWS::Region>$/,
      );
    }
  });

  it('creates no boundary when an existing one is given (docs/deploy.md lists the denies it must hold)', () => {
    const { template: t } = synthSingle({
      'nhi-gov:permissionsBoundaryArn': 'arn:aws:iam::123456789012:policy/corp-boundary',
    });
    expect(Object.keys(t.findResources('AWS::IAM::ManagedPolicy'))).toEqual([]);
  });
});
