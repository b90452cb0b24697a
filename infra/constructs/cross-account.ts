import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { EventBus, type EventPattern, type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import {
  EventBus as EventBusTarget,
  SfnStateMachine as StateMachineTarget,
} from 'aws-cdk-lib/aws-events-targets';
import {
  AnyPrincipal,
  ArnPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  CustomState,
  DefinitionBody,
  Fail,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  CROSS_ACCOUNT_ROLES,
  DECISION_ACCOUNT_ATTRIBUTE,
  HUB_DECISIONS_TABLE_NAME,
  HUB_TO_MEMBER_DETAIL_TYPES,
  MEMBER_TO_HUB_DETAIL_TYPES,
  memberReadableKeyPatterns,
  ORG_VIEW_DETAIL_TYPES,
  PRINCIPAL_ACCOUNT_VARIABLE,
  SCAN_LOG_PARTITION,
} from '../../lib/config/organization.js';
import { EVENT_SOURCE } from '../../lib/domain/events.js';
import { type Organization, SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { SuiteBus } from './event-bus.js';
import { kebab } from './nhi-function.js';

export const busArn = (partition: string, region: string, account: string, name: string) =>
  `arn:${partition}:events:${region}:${account}:event-bus/${name}`;

/** The hub's decisions table, as the member templates address it (by ARN: it is in another account). */
export const hubDecisionsTableArn = (partition: string, org: Organization) =>
  `arn:${partition}:dynamodb:${org.hubRegion}:${org.hubAccount}:table/${HUB_DECISIONS_TABLE_NAME}`;

/** `nhi-gov-<stem>-<region>`: the fixed name of a suite role another account's policy refers to. */
export const crossAccountRoleName = (stem: string, region: string) =>
  `${SUITE_ROLE_NAME_PREFIX}${stem}-${region}`;

/**
 * The pattern of a suite function role in ANY account of the organization (the account part is `*`;
 * `aws:PrincipalOrgID` in the same statement keeps it inside the organization).
 */
export const orgSuiteRolePattern = (partition: string, stem: string) =>
  `arn:${partition}:iam::*:role${SUITE_ROLE_PATH}${SUITE_ROLE_NAME_PREFIX}${stem}-*`;

/** The condition every cross-account statement of organization mode carries. */
export const inOrganization = (org: Organization) => ({ 'aws:PrincipalOrgID': org.organizationId });

/**
 * Hub bus: the forwarding role of every member stack of the organization may put the member events
 * (and only those detail types, only with the suite's source) on it. No account is listed, so the
 * policy does not grow with the organization (an EventBridge bus policy is limited in size,
 * docs/organization.md); `aws:PrincipalOrgID` and the role's name under the suite path are the boundary.
 */
export function allowMemberForwarders(bus: SuiteBus, org: Organization): void {
  const { partition } = Stack.of(bus);
  bus.bus.addToResourcePolicy(
    new PolicyStatement({
      sid: 'MemberStacksOfTheOrganization',
      principals: [new AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.bus.eventBusArn],
      conditions: {
        StringEquals: {
          ...inOrganization(org),
          'events:source': EVENT_SOURCE,
        },
        'ForAllValues:StringEquals': { 'events:detail-type': [...MEMBER_TO_HUB_DETAIL_TYPES] },
        ArnLike: { 'aws:PrincipalArn': orgSuiteRolePattern(partition, CROSS_ACCOUNT_ROLES.toHub) },
      },
    }),
  );
}

/**
 * Member bus: the hub's dispatch role (one role, named; the hub account is the same for every member)
 * may put decision events on it, from inside the organization only.
 */
export function allowHubDispatcher(bus: SuiteBus, org: Organization): void {
  const { partition } = Stack.of(bus);
  bus.bus.addToResourcePolicy(
    new PolicyStatement({
      sid: 'HubDispatcher',
      principals: [
        new ArnPrincipal(
          `arn:${partition}:iam::${org.hubAccount}:role${SUITE_ROLE_PATH}${crossAccountRoleName(CROSS_ACCOUNT_ROLES.dispatch, org.hubRegion)}`,
        ),
      ],
      actions: ['events:PutEvents'],
      resources: [bus.bus.eventBusArn],
      conditions: {
        StringEquals: { ...inOrganization(org), 'events:source': EVENT_SOURCE },
        'ForAllValues:StringEquals': { 'events:detail-type': [...HUB_TO_MEMBER_DETAIL_TYPES] },
      },
    }),
  );
}

/**
 * What each member function may read of the hub's decisions table: the executors' consistent re-read
 * before acting (GetItem), provision's look-up of other grants of the same identity (Query on
 * by-identity), the scanner's reads. The same actions as their identity policies in the member template.
 */
export const MEMBER_DECISION_READS = {
  provision: ['dynamodb:GetItem', 'dynamodb:Query'],
  rotate: ['dynamodb:GetItem'],
  scan: ['dynamodb:GetItem', 'dynamodb:Query'],
} as const;

/**
 * The hub decisions table's resource policy: each member function above may read, from inside the
 * organization, only the items whose partition key belongs to its own account (`dynamodb:LeadingKeys`
 * against `${aws:PrincipalAccount}`). No write action is granted to anyone outside the hub account: a
 * member can neither write decisions nor read another member's.
 */
export function hubDecisionsReadersPolicy(partition: string, org: Organization): PolicyDocument {
  return new PolicyDocument({
    statements: Object.entries(MEMBER_DECISION_READS).map(
      ([fn, actions]) =>
        new PolicyStatement({
          sid: `Member${fn[0]?.toUpperCase()}${fn.slice(1)}ReadsOwnDecisions`,
          principals: [new AnyPrincipal()],
          actions: [...actions],
          resources: ['*'],
          conditions: {
            StringEquals: inOrganization(org),
            ArnLike: { 'aws:PrincipalArn': orgSuiteRolePattern(partition, kebab(fn)) },
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': memberReadableKeyPatterns(PRINCIPAL_ACCOUNT_VARIABLE),
            },
          },
        }),
    ),
  });
}

export interface ForwardProps {
  readonly description: string;
  readonly pattern: EventPattern;
  readonly targetBusArn: string;
  /** A fixed role name, when the target bus's policy admits the role by name. */
  readonly roleName?: string;
}

/**
 * A rule that forwards matching events to a bus in another account, through a role that may put
 * events on that bus only, with a dead-letter queue.
 */
export class Forward extends Construct {
  readonly deadLetterQueue: Queue;
  readonly role: Role;

  constructor(scope: Construct, id: string, bus: SuiteBus, props: ForwardProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'Dlq');
    this.role = new Role(this, 'Role', {
      ...(props.roleName ? { roleName: props.roleName } : {}),
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'nhi-gov: forwards suite events to the bus of another account of the organization',
    });
    // The bus target grants this role events:PutEvents on the target bus, and nothing else.
    new Rule(this, 'Rule', {
      eventBus: bus.bus,
      description: props.description,
      eventPattern: props.pattern,
      targets: [
        new EventBusTarget(EventBus.fromEventBusArn(this, 'Target', props.targetBusArn), {
          role: this.role,
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}

interface ExpressProps {
  readonly bus: IEventBus;
  readonly org: Organization;
  readonly logRetention: RetentionDays;
}

/**
 * An express state machine started by a rule on the hub bus: runs one task and, when the task fails
 * after its retries, keeps the event in a dead-letter queue (alarmed) instead of losing it.
 */
abstract class HubRelay extends Construct {
  readonly stateMachine: StateMachine;
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  /** Events the rule could not start the state machine with. */
  readonly ruleDeadLetterQueue: Queue;

  protected constructor(
    scope: Construct,
    id: string,
    props: ExpressProps & {
      readonly roleName?: string;
      readonly description: string;
      readonly task: Record<string, unknown>;
      /** Detail types handled by another task instead of `task` (a Choice on `detail-type`). */
      readonly byDetailType?: Readonly<Record<string, Record<string, unknown>>>;
      readonly pattern: EventPattern;
      /** Errors of the task that mean "already done" (idempotent replays): end in success. */
      readonly alreadyDone?: readonly string[];
    },
  ) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.deadLetterQueue = deadLetterQueue(this, 'Dlq');
    this.role = new Role(this, 'Role', {
      ...(props.roleName ? { roleName: props.roleName } : {}),
      assumedBy: new ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: `nhi-gov: ${props.description}`,
    });
    const keep = new CustomState(this, 'KeepInDeadLetterQueue', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::sqs:sendMessage`,
        Parameters: { QueueUrl: this.deadLetterQueue.queueUrl, 'MessageBody.$': '$' },
      },
    });
    this.deadLetterQueue.grantSendMessages(this.role);
    const failed = new Fail(this, 'Failed', { error: 'RelayFailed' });
    const done = new Succeed(this, 'Done');
    keep.next(failed);
    const relay = (id: string, stateJson: Record<string, unknown>) => {
      const task = new CustomState(this, id, { stateJson }).addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(1),
        maxAttempts: 4,
        backoffRate: 2,
      });
      if (props.alreadyDone?.length) task.addCatch(done, { errors: [...props.alreadyDone] });
      task.addCatch(keep, { errors: ['States.ALL'], resultPath: '$.error' });
      return task.next(done);
    };
    const others = Object.entries(props.byDetailType ?? {});
    const definition =
      others.length === 0
        ? relay('Relay', props.task)
        : others
            .reduce(
              (choice, [detailType, stateJson]) =>
                choice.when(
                  Condition.stringEquals('$.detail-type', detailType),
                  relay(detailType, stateJson),
                ),
              new Choice(this, 'ByDetailType'),
            )
            .otherwise(relay('Relay', props.task));
    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromChainable(definition),
      role: this.role,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.minutes(1),
    });
    const ruleDlq = deadLetterQueue(this, 'RuleDlq');
    new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: props.description,
      eventPattern: props.pattern,
      targets: [
        new StateMachineTarget(this.stateMachine, {
          deadLetterQueue: ruleDlq,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    this.ruleDeadLetterQueue = ruleDlq;
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statements CDK adds for express state machine logging (logs:CreateLogDelivery and friends) and X-Ray: neither API supports resource-level permissions.',
    });
  }
}

/**
 * Hub -> member: puts each decision event of the hub on the bus of the account the decision acts in
 * (`detail.accountId`), in the hub region. One state machine for any number of accounts; the target
 * bus is computed per event, and the role may put events only on suite buses of accounts of the
 * organization (`aws:ResourceOrgID`). Only events the hub itself emitted (envelope account = hub) are
 * dispatched.
 */
export class Dispatch extends HubRelay {
  constructor(scope: Construct, id: string, props: ExpressProps & { readonly busName: string }) {
    const { org } = props;
    const region = org.hubRegion;
    super(scope, id, {
      ...props,
      roleName: crossAccountRoleName(CROSS_ACCOUNT_ROLES.dispatch, region),
      description: 'dispatches decision events to the member bus of their account',
      pattern: {
        source: [EVENT_SOURCE],
        detailType: [...HUB_TO_MEMBER_DETAIL_TYPES],
        account: [org.hubAccount],
        detail: { [DECISION_ACCOUNT_ATTRIBUTE]: [{ exists: true }] },
      },
      task: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::events:putEvents`,
        Parameters: {
          Entries: [
            {
              'EventBusName.$': `States.Format('arn:${Aws.PARTITION}:events:${region}:{}:event-bus/${props.busName}', $.detail.${DECISION_ACCOUNT_ATTRIBUTE})`,
              Source: EVENT_SOURCE,
              'DetailType.$': '$.detail-type',
              'Detail.$': '$.detail',
            },
          ],
        },
      },
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PutOnMemberBusesOfTheOrganization',
        actions: ['events:PutEvents'],
        resources: [busArn(Aws.PARTITION, region, '*', props.busName)],
        conditions: { StringEquals: { 'aws:ResourceOrgID': org.organizationId } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:${region}:*:event-bus/${props.busName}]`,
      reason:
        'The suite bus of whichever member account a decision acts in: one role for every account (the hub does not grow with the organization), limited to buses of accounts in the organization (aws:ResourceOrgID) and named like the suite bus; each member bus admits only this role, only decision events.',
    });
  }
}

/**
 * Member events -> the hub's org-events table, one append-only item per event, keyed by the account
 * EventBridge stamped on the event (`$.account`, which a sender cannot choose), never by its detail.
 * A redelivered event (same id) is already there: the conditional put fails and the run ends in success.
 */
export class OrgEventsIngest extends HubRelay {
  constructor(
    scope: Construct,
    id: string,
    props: ExpressProps & { readonly table: { tableName: string; tableArn: string } },
  ) {
    super(scope, id, {
      ...props,
      description: 'keeps every member finding and outcome in the org-events table',
      pattern: {
        source: [EVENT_SOURCE],
        detailType: [...ORG_VIEW_DETAIL_TYPES],
        account: Match.anythingBut(props.org.hubAccount),
      },
      alreadyDone: ['DynamoDB.ConditionalCheckFailedException'],
      byDetailType: {
        // The member's scan heartbeat: the newest scan of the account, in the scan log's own shape
        // (lib/adapters/dynamodb/scan-log.ts), so the stale-accounts report reads it as it reads a
        // local store. An older scan never overwrites a newer one.
        ScanCompleted: {
          Type: 'Task',
          Resource: `arn:${Aws.PARTITION}:states:::dynamodb:putItem`,
          Parameters: {
            TableName: props.table.tableName,
            Item: {
              pk: { S: SCAN_LOG_PARTITION },
              sk: { 'S.$': "States.Format('ACCOUNT#{}', $.account)" },
              entity: { S: 'scan' },
              accountId: { 'S.$': '$.account' },
              asOf: { 'S.$': '$.detail.asOf' },
              ranAt: { 'S.$': '$.detail.ranAt' },
              source: { S: 'live' },
            },
            ConditionExpression: 'attribute_not_exists(pk) OR asOf <= :asOf',
            ExpressionAttributeValues: { ':asOf': { 'S.$': '$.detail.asOf' } },
          },
        },
      },
      task: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::dynamodb:putItem`,
        Parameters: {
          TableName: props.table.tableName,
          Item: {
            pk: { 'S.$': "States.Format('ACCOUNT#{}', $.account)" },
            sk: { 'S.$': "States.Format('{}#{}#{}', $.time, $.detail-type, $.id)" },
            account: { 'S.$': '$.account' },
            detailType: { 'S.$': '$.detail-type' },
            time: { 'S.$': '$.time' },
            eventId: { 'S.$': '$.id' },
            detail: { 'S.$': 'States.JsonToString($.detail)' },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AppendOrgEvents',
        actions: ['dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
  }
}
