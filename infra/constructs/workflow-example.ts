import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { COMPLETE_ACTION } from '../../lib/domain/execution.js';
import type { NhiFunction } from './nhi-function.js';

export interface WorkflowExampleProps {
  readonly governanceTask: NhiFunction;
  readonly executions: TableV2;
  readonly logRetention: RetentionDays;
}

/**
 * An example of the Step Functions integration: submit a request through governance and wait for the
 * decision with a task token (governanceCallback answers it when the decision is final), then wait
 * for the execution's `complete` record (the same record the AccessProvisioned event is made from),
 * polling the append-only trail with a consistent read.
 *
 * Input: `{ "request": <DecisionRequest> }`. The requester governance records is this state machine's
 * role, set here in the definition, never taken from the input, and the only requester governance-task
 * accepts (its TASK_REQUESTER_ARNS). Whoever may call states:StartExecution on this state machine files
 * requests as this role: allow it to non-approver pipeline principals only (docs/deploy.md).
 */
export class WorkflowExample extends Construct {
  readonly stateMachine: StateMachine;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: WorkflowExampleProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: 'nhi-gov example workflow: requester of the access it submits',
    });

    const submit = new LambdaInvoke(this, 'SubmitAndWaitForDecision', {
      lambdaFunction: props.governanceTask.fn,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        taskToken: JsonPath.taskToken,
        request: JsonPath.objectAt('$.request'),
        requester: this.role.roleArn,
      }),
      resultPath: '$.decision',
      taskTimeout: Timeout.duration(Duration.days(7)),
    });
    // The same value: governance-task files only for the requesters in TASK_REQUESTER_ARNS.
    props.governanceTask.fn.addEnvironment(FUNCTION_ENV.taskRequesterArns, this.role.roleArn);
    const notApproved = new Fail(this, 'NotApproved', {
      error: 'DecisionNotApproved',
      causePath: JsonPath.stringAt('$.failure.Cause'),
    });
    submit.addCatch(notApproved, { errors: ['States.ALL'], resultPath: '$.failure' });

    const wait = new Wait(this, 'WaitForExecution', { time: WaitTime.duration(Duration.seconds(20)) });
    const check = new CallAwsService(this, 'ReadCompleteRecord', {
      service: 'dynamodb',
      action: 'query',
      parameters: {
        TableName: props.executions.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :exec)',
        FilterExpression: '#action = :complete AND decisionVersion = :version',
        ExpressionAttributeNames: { '#action': 'action' },
        ExpressionAttributeValues: {
          ':pk': { 'S.$': "States.Format('DECISION#{}', $.decision.id)" },
          ':exec': { S: 'EXEC#' },
          ':complete': { S: COMPLETE_ACTION },
          ':version': { 'N.$': "States.Format('{}', $.decision.version)" },
        },
      },
      iamResources: [props.executions.tableArn],
      iamAction: 'dynamodb:Query',
      resultSelector: { 'items.$': '$.Items' },
      resultPath: '$.outcome',
    });
    const provisioned = new Succeed(this, 'AccessProvisioned');
    const failed = new Fail(this, 'AccessProvisioningFailed', { error: 'AccessProvisioningFailed' });

    const definition = submit
      .next(wait)
      .next(check)
      .next(
        new Choice(this, 'Finished?')
          .when(
            Condition.and(
              Condition.isPresent('$.outcome.items[0]'),
              Condition.stringEquals('$.outcome.items[0].status.S', 'succeeded'),
            ),
            provisioned,
          )
          .when(Condition.isPresent('$.outcome.items[0]'), failed)
          .otherwise(wait),
      );

    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      role: this.role,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      // The decision may take days (approvals); the execution itself then takes minutes.
      timeout: Duration.days(8),
    });
    Validations.of(this.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the statements CDK adds for state machine logging (logs:CreateLogDelivery and friends) and X-Ray: neither API supports resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.governanceTask.fn.node.defaultChild as never)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on versions and aliases of the governanceTask function only (CDK grants the function ARN and <arn>:*).',
      },
    );
    new CfnOutput(this, 'ExampleStateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'Example workflow: submit, wait for the decision (task token), wait for AccessProvisioned',
    });
  }
}
