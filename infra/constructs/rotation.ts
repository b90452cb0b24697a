import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BUS_ROUTES } from '../../lib/config/event-routes.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { SuiteBus } from './event-bus.js';
import { acknowledgeIndexQueries, acknowledgeWildcard, nagPseudo } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';
import { accountEnvironment, executorTableEnvironment, type NamedTable } from './table-access.js';

export interface RotationProps {
  readonly managedPath: string;
  readonly secretPrefix: string;
  readonly rotationDays: number;
  /** Hours a replaced key stays Active after finishSecret (0: deactivated at finishSecret). */
  readonly keyDeactivateDelayHours: number;
  /** Days a replaced key then stays Inactive before it is deleted (0: until the next rotation). */
  readonly keyDeleteGraceDays: number;
  /** Schedule group of the replaced keys' deactivate/delete schedules. */
  readonly keyScheduleGroupName: string;
  /** `account` when `decisions` is the organization hub's table (see ExecutorTables). */
  readonly decisionsReadScope?: 'account';
  readonly decisions: NamedTable;
  readonly executions: TableV2;
  readonly findings: TableV2;
  readonly idempotency: TableV2;
  readonly bus: SuiteBus;
  readonly logRetention: RetentionDays;
}

/**
 * Rotation: the Secrets Manager rotation function for the access-key secrets provision creates
 * (`<prefix><user>`), also run on demand by approved `rotate` decisions.
 *
 * The secrets are created at runtime, so rotation is switched on for each one as it appears: a rule
 * on the account's default bus matches CloudTrail's `CreateSecret` for a name under the prefix and
 * starts a small state machine that calls `RotateSecret` with this function and the rotation interval
 * (without rotating immediately: provision stored a fresh key). This needs a CloudTrail trail that
 * records management events in the account (an organization trail counts); docs/deploy.md says so.
 */
export class Rotation extends Construct {
  readonly rotate: NhiFunction;
  readonly enableRotation: StateMachine;
  readonly keyScheduleGroup: ScheduleGroup;
  /** The role EventBridge Scheduler assumes to invoke rotate when a replaced key is due; nothing else. */
  readonly keySchedulerRole: Role;
  readonly deadLetterQueues: { readonly label: string; readonly queue: Queue }[] = [];

  constructor(scope: Construct, id: string, props: RotationProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    const secrets = `arn:${partition}:secretsmanager:${region}:${account}:secret:${props.secretPrefix}*`;

    // Named, so its own policy can allow invoking itself without a reference cycle.
    const functionName = `nhi-gov-rotate-${region}`;
    const functionArn = `arn:${partition}:lambda:${region}:${account}:function:${functionName}`;

    // A replaced key's grace: one-time schedules that invoke rotate when the key is due to go.
    this.keyScheduleGroup = new ScheduleGroup(this, 'KeyRetirements', {
      scheduleGroupName: props.keyScheduleGroupName,
    });
    this.keySchedulerRole = new Role(this, 'KeySchedulerRole', {
      description: 'nhi-gov: EventBridge Scheduler invokes the rotation function when a replaced key is due',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': this.keyScheduleGroup.scheduleGroupArn },
        },
      }),
    });
    this.keySchedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'InvokeRotate',
        actions: ['lambda:InvokeFunction'],
        resources: [functionArn],
      }),
    );
    this.rotate = new NhiFunction(this, 'Rotate', {
      id: 'rotate',
      functionName,
      description: 'Secrets Manager rotation of access-key secrets, and on-demand rotate decisions',
      asynchronous: true,
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      environment: {
        ...executorTableEnvironment(props),
        ...accountEnvironment(props.decisionsReadScope),
        [FUNCTION_ENV.eventBusName]: props.bus.bus.eventBusName,
        [FUNCTION_ENV.managedPath]: props.managedPath,
        [FUNCTION_ENV.secretPrefix]: props.secretPrefix,
        [FUNCTION_ENV.keyScheduleGroupName]: props.keyScheduleGroupName,
        [FUNCTION_ENV.keySchedulerRoleArn]: this.keySchedulerRole.roleArn,
        [FUNCTION_ENV.rotateFunctionArn]: functionArn,
        [FUNCTION_ENV.keyDeactivateDelayHours]: String(props.keyDeactivateDelayHours),
        [FUNCTION_ENV.keyDeleteGraceDays]: String(props.keyDeleteGraceDays),
      },
    });
    const r = this.rotate;
    r.fn.addEnvironment(FUNCTION_ENV.executorPrincipal, r.role.roleArn);
    // Every statement of the role comes from its declaration (lib/config/permissions/rotate.ts).
    r.grantDeclared({
      tables: props,
      managedPath: props.managedPath,
      secretPrefix: props.secretPrefix,
      scheduleGroupName: props.keyScheduleGroupName,
      schedulerRoleArn: this.keySchedulerRole.roleArn,
      busArn: props.bus.bus.eventBusArn,
      selfArn: functionArn,
    });
    acknowledgeIndexQueries(r.role, [props.executions, props.findings]);
    const nag = nagPseudo(this);
    const nagSecrets = `arn:${nag.partition}:secretsmanager:${nag.region}:${nag.account}:secret:${props.secretPrefix}*`;
    acknowledgeWildcard(
      r.role,
      nagSecrets,
      `Only the secrets named ${props.secretPrefix}<user>, which hold provisioned access keys; secret ARNs end in a random suffix, so a prefix is the narrowest scope.`,
    );
    acknowledgeWildcard(
      r.role,
      `arn:${nag.partition}:iam::${nag.account}:user${props.managedPath}*`,
      `Access keys of users under the managed path ${props.managedPath} only: rotation creates, deactivates and deletes keys, nothing else in IAM.`,
    );

    acknowledgeWildcard(
      r.role,
      `arn:${nag.partition}:scheduler:${nag.region}:${nag.account}:schedule/${props.keyScheduleGroupName}/*`,
      `One-time schedules that retire a replaced access key are created at runtime, two per rotation, in the ${props.keyScheduleGroupName} group only.`,
    );

    // Secrets Manager invokes the rotation function; only for secrets of this account.
    r.fn.addPermission('SecretsManagerInvoke', {
      principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: account,
    });

    props.bus.routeTo(BUS_ROUTES.ApprovedToRotate, r);

    // Switch rotation on for each managed secret as provision creates it.
    const logs = new LogGroup(this, 'EnableRotationLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'EnableRotationRole', {
      assumedBy: new ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: 'nhi-gov: switches rotation on for new managed secrets',
    });
    const enable = new CallAwsService(this, 'RotateSecret', {
      service: 'secretsmanager',
      action: 'rotateSecret',
      parameters: {
        // The name is a valid SecretId in this account (CloudTrail spells the response ARN field inconsistently).
        'SecretId.$': '$.detail.requestParameters.name',
        RotationLambdaARN: r.fn.functionArn,
        RotationRules: { AutomaticallyAfterDays: props.rotationDays },
        RotateImmediately: false,
      },
      iamResources: [secrets],
      iamAction: 'secretsmanager:RotateSecret',
      additionalIamStatements: [
        // RotateSecret with a RotationLambdaARN needs invoke permission on that function.
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [r.fn.functionArn] }),
      ],
    });
    this.enableRotation = new StateMachine(this, 'EnableRotation', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(enable),
      role,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.minutes(5),
    });
    acknowledgeWildcard(
      role,
      nagSecrets,
      `RotateSecret on the ${props.secretPrefix}* secrets only; they are created at runtime and their ARNs end in a random suffix.`,
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statements CDK adds for state machine logging (logs:CreateLogDelivery and friends) and X-Ray: neither API supports resource-level permissions.',
    });

    const dlq = deadLetterQueue(this, 'EnableRotationDlq');
    this.deadLetterQueues.push({ label: 'enable rotation', queue: dlq });
    new Rule(this, 'OnManagedSecretCreated', {
      description: 'CreateSecret of a managed secret -> switch its rotation on',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['CreateSecret'],
          requestParameters: { name: [{ prefix: props.secretPrefix }] },
          // Failed calls are recorded too; only a created secret has an ARN in the response.
          errorCode: [{ exists: false }],
        },
      },
      targets: [new SfnStateMachine(this.enableRotation, { deadLetterQueue: dlq, retryAttempts: 8 })],
    });
  }
}
