import { Stack, Validations } from 'aws-cdk-lib';
import { CfnArchive, CfnRule } from 'aws-cdk-lib/aws-events';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';

export interface PermissionsBoundaryProps {
  /** An existing boundary (context `nhi-gov:permissionsBoundaryArn`); otherwise one is created. */
  readonly existingArn?: string;
  /** ARNs of the suite's tables: a provisioned identity may never touch the suite's records. */
  readonly protectedTableArns: readonly string[];
  /** IAM path of provisioned roles: the only roles a bounded identity may pass to a service. */
  readonly managedPath: string;
  /** Name prefix of the secrets holding provisioned access keys. */
  readonly secretPrefix: string;
  /** Schedule group of the JIT revoke schedules. */
  readonly scheduleGroupName: string;
  /** Schedule group of the replaced access keys' deactivate/delete schedules. */
  readonly keyScheduleGroupName: string;
  /** The suite's bus: its ARN and name (rules on it are `rule/<bus name>/<rule>`). */
  readonly bus: { readonly eventBusArn: string; readonly eventBusName: string };
}

/** Tag the stack puts on every resource it creates; the boundary denies queues and pipes carrying it. */
export const SUITE_TAG = 'nhi-gov:suite';

/** IAM write actions a provisioned identity may never call, whatever its identity policy says. */
export const BOUNDARY_DENIED_IAM_ACTIONS = [
  'iam:Add*',
  'iam:Attach*',
  'iam:Change*',
  'iam:Create*',
  'iam:Deactivate*',
  'iam:Delete*',
  'iam:Detach*',
  'iam:Enable*',
  'iam:Put*',
  'iam:Remove*',
  'iam:Reset*',
  'iam:Resync*',
  'iam:Set*',
  'iam:Tag*',
  'iam:Untag*',
  'iam:Update*',
  'iam:Upload*',
] as const;

/**
 * Statement ids of the boundary's denies on the suite itself (finding: a bounded identity granted
 * PowerUserAccess through break-glass could otherwise rewrite a governance function and approve
 * anything). docs/deploy.md lists them for a customer-provided boundary.
 */
export const SUITE_PROTECTION_SIDS = [
  'NoSuiteFunctions',
  'NoEventSourceMappingsToSuiteFunctions',
  'NoSuiteBusRulesOrArchive',
  'NoSuiteSecrets',
  'NoSuiteSchedules',
  'NoSuiteStateMachines',
  'NoSuiteQueuesOrPipes',
  'NoSuiteKeysOrTopics',
  'NoSuiteStack',
  'PassOnlyManagedRoles',
] as const;

/**
 * The permissions boundary every provisioned role and user carries. It is a ceiling, not a grant:
 * what an identity can do is its approved identity policy, intersected with this. The created
 * boundary allows everything except writing IAM (so no provisioned NHI can mint or widen an identity,
 * or take its own boundary off), Organizations and account settings, turning off CloudTrail, passing
 * any role outside the managed path, and touching the suite itself: its tables, roles, functions, bus
 * and rules, secrets, schedules, state machines, queues, pipes, alarm key and topic, and stack. Those
 * denies name the suite's resources only, so the boundary stays usable for workloads.
 */
export class PermissionsBoundary extends Construct {
  readonly arn: string;
  readonly policy?: ManagedPolicy;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    if (props.existingArn) {
      this.arn = props.existingArn;
      return;
    }
    const { account, region, partition } = Stack.of(this);
    const arn = (service: string, resource: string, regional = true) =>
      `arn:${partition}:${service}:${regional ? region : ''}:${account}:${resource}`;
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'nhi-gov: permissions boundary of every role and user nhi-gov provisions',
      statements: [
        new PolicyStatement({
          sid: 'Ceiling',
          effect: Effect.ALLOW,
          actions: ['*'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoIamWrites',
          effect: Effect.DENY,
          actions: [...BOUNDARY_DENIED_IAM_ACTIONS],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoOrganizationOrAccountChanges',
          effect: Effect.DENY,
          actions: ['organizations:*', 'account:*'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoAuditTampering',
          effect: Effect.DENY,
          actions: [
            'cloudtrail:StopLogging',
            'cloudtrail:DeleteTrail',
            'cloudtrail:UpdateTrail',
            'cloudtrail:PutEventSelectors',
          ],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoSuiteRecords',
          effect: Effect.DENY,
          actions: ['dynamodb:*'],
          // `<table>/*`: its indexes, streams, exports and backups.
          resources: props.protectedTableArns.flatMap((t) => [t, `${t}/*`]),
        }),
        new PolicyStatement({
          sid: 'NoSuiteRoles',
          effect: Effect.DENY,
          actions: ['sts:AssumeRole', 'iam:PassRole'],
          resources: [
            `arn:${partition}:iam::${account}:role${SUITE_ROLE_PATH}*`,
            `arn:${partition}:iam::${account}:role/${SUITE_ROLE_NAME_PREFIX}*`,
          ],
        }),
        // Passing another role hands its permissions to a service the identity controls (a function,
        // a task, a pipe): only roles that carry this same boundary may be passed.
        new PolicyStatement({
          sid: 'PassOnlyManagedRoles',
          effect: Effect.DENY,
          actions: ['iam:PassRole'],
          notResources: [`arn:${partition}:iam::${account}:role${props.managedPath}*`],
        }),
        // Every function of a stack with a boundary is named nhi-gov-<function>-<region> (NhiGovStack).
        new PolicyStatement({
          sid: 'NoSuiteFunctions',
          effect: Effect.DENY,
          actions: ['lambda:*'],
          resources: [arn('lambda', `function:${SUITE_ROLE_NAME_PREFIX}*`)],
        }),
        new PolicyStatement({
          sid: 'NoEventSourceMappingsToSuiteFunctions',
          effect: Effect.DENY,
          actions: [
            'lambda:CreateEventSourceMapping',
            'lambda:UpdateEventSourceMapping',
            'lambda:DeleteEventSourceMapping',
          ],
          resources: ['*'],
          conditions: {
            ArnLike: { 'lambda:FunctionArn': arn('lambda', `function:${SUITE_ROLE_NAME_PREFIX}*`) },
          },
        }),
        new PolicyStatement({
          sid: 'NoSuiteBusRulesOrArchive',
          effect: Effect.DENY,
          actions: ['events:*'],
          resources: [props.bus.eventBusArn, arn('events', `rule/${props.bus.eventBusName}/*`)],
        }),
        new PolicyStatement({
          sid: 'NoSuiteSecrets',
          effect: Effect.DENY,
          actions: ['secretsmanager:*'],
          resources: [arn('secretsmanager', `secret:${props.secretPrefix}*`)],
        }),
        new PolicyStatement({
          sid: 'NoSuiteSchedules',
          effect: Effect.DENY,
          actions: ['scheduler:*'],
          resources: [
            arn('scheduler', `schedule-group/${props.scheduleGroupName}`),
            arn('scheduler', `schedule/${props.scheduleGroupName}/*`),
            arn('scheduler', `schedule-group/${props.keyScheduleGroupName}`),
            arn('scheduler', `schedule/${props.keyScheduleGroupName}/*`),
          ],
        }),
        new PolicyStatement({
          sid: 'NoSuiteStack',
          effect: Effect.DENY,
          actions: ['cloudformation:*'],
          resources: [arn('cloudformation', `stack/${Stack.of(this).stackName}/*`)],
        }),
      ],
    });
    this.arn = this.policy.managedPolicyArn;
    Validations.of(this.policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::*]',
        reason:
          'This is a permissions boundary, a ceiling and never a grant: an identity gets only what its governance-approved identity policy allows, intersected with this. The denies below it are what the boundary enforces.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Permissions boundary (a ceiling, not a grant): the allow-all is intersected with the identity policy governance approved; the explicit denies are scoped to IAM writes, Organizations, CloudTrail, and the suite resources.',
      },
    );
  }

  /**
   * Denies the suite's resources that have generated names, found in the stack once it is complete:
   * rules outside the suite bus, the bus archive, schedules outside the JIT and key groups, state machines and
   * their executions, dead-letter queues, pipes, the alarm key and topic, and any function the stack
   * did not name under the suite prefix. Call at the end of the stack's constructor.
   */
  protectSuiteResources(stack: Stack): void {
    if (!this.policy) return;
    const all = stack.node.findAll();
    const of = <T>(type: abstract new (...args: never[]) => T) =>
      all.filter((c): c is T & Construct => c instanceof type);
    // The `function:nhi-gov-*` deny covers a function only under that name; one outside it is a bug here.
    const outsidePrefix = of(CfnFunction).filter(
      (f) =>
        !JSON.stringify(stack.resolve(f.functionName) ?? null).startsWith(`"${SUITE_ROLE_NAME_PREFIX}`) &&
        !JSON.stringify(stack.resolve(f.functionName) ?? null).includes(`["${SUITE_ROLE_NAME_PREFIX}`),
    );
    if (outsidePrefix.length > 0) {
      throw new Error(
        `functions outside the boundary's ${SUITE_ROLE_NAME_PREFIX}* deny: ${outsidePrefix.map((f) => f.node.path).join(', ')}`,
      );
    }
    const stateMachines = of(CfnStateMachine);
    const statements: [string, string[], string[]][] = [
      [
        'NoSuiteStateMachines',
        ['states:*'],
        stateMachines.flatMap((m) => [
          m.attrArn,
          `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${m.attrName}:*`,
        ]),
      ],
      [
        'NoSuiteKeysOrTopics',
        ['kms:*', 'sns:*'],
        [...of(CfnKey).map((k) => k.attrArn), ...of(CfnTopic).map((t) => t.attrTopicArn)],
      ],
      [
        'NoSuiteEventsOffTheBus',
        ['events:*'],
        [
          ...of(CfnRule)
            .filter((r) => r.eventBusName === undefined)
            .map((r) => r.attrArn),
          ...of(CfnArchive).map((a) => a.attrArn),
        ],
      ],
      [
        'NoSuiteScanSchedule',
        ['scheduler:*'],
        of(CfnSchedule)
          .filter((s) => s.groupName === undefined)
          .map((s) => s.attrArn),
      ],
    ];
    // Dead-letter queues and pipes are many (their ARNs would overflow the 6,144-character policy
    // limit): they are denied by the suite tag the stack puts on every resource, which only the suite's
    // own deployment can set or remove on them.
    if (of(CfnQueue).length + of(CfnPipe).length > 0) {
      this.policy.addStatements(
        new PolicyStatement({
          sid: 'NoSuiteQueuesOrPipes',
          effect: Effect.DENY,
          actions: ['sqs:*', 'pipes:*'],
          resources: ['*'],
          conditions: { Null: { [`aws:ResourceTag/${SUITE_TAG}`]: 'false' } },
        }),
      );
    }
    for (const [sid, actions, resources] of statements) {
      if (resources.length === 0) continue;
      this.policy.addStatements(new PolicyStatement({ sid, effect: Effect.DENY, actions, resources }));
    }
  }
}
