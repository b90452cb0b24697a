import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SECURITY_HUB_ROUTE } from '../../lib/config/event-routes.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { SuiteBus } from './event-bus.js';
import { acknowledgeIndexQueries, acknowledgeWildcard, nagRender } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';
import { accountEnvironment, type NamedTable } from './table-access.js';

export interface ScannersProps {
  /** `account` when `decisions` is the organization hub's table (see ExecutorTables). */
  readonly decisionsReadScope?: 'account';
  readonly managedPath: string;
  readonly policyFile: string;
  readonly scanSchedule: string;
  readonly scanTimezone: string;
  readonly decisions: NamedTable;
  /** When the decisions table is in this stack, its indexes' wildcard is acknowledged by logical id. */
  readonly localDecisions?: TableV2;
  readonly executions: TableV2;
  readonly findings: TableV2;
  readonly bus: SuiteBus;
  readonly logRetention: RetentionDays;
  /** Import each recorded scan's findings to AWS Security Hub (context nhi-gov:securityHub). */
  readonly securityHub?: boolean;
}

/** The account's default Security Hub product ARN: where a customer's own findings are imported. */
export function securityHubProductArn(scope: Construct): string {
  const { partition, region, account } = Stack.of(scope);
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

// The inventory actions live in the function's permissions declaration; re-exported for the tests.
export { SCANNER_IAM_ACTIONS } from '../../lib/config/permissions/scan.js';

/**
 * Scanners: a scheduled, read-only sweep of IAM (GetAccountAuthorizationDetails pages and the credential
 * report) against decisions and the policy. They write findings and, for what has expired, send a
 * `RevokeRequested` to governance: a scanner never changes IAM itself.
 */
export class Scanners extends Construct {
  readonly scan: NhiFunction;
  /** The Security Hub export, when context nhi-gov:securityHub is on (its own function: lean scan bundle). */
  readonly securityHubExport?: NhiFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueues: { readonly label: string; readonly queue: Queue }[] = [];

  constructor(scope: Construct, id: string, props: ScannersProps) {
    super(scope, id);
    this.scan = new NhiFunction(this, 'Scan', {
      id: 'scan',
      description: 'inventory, every scanner rule and the daily metrics snapshot',
      asynchronous: true,
      timeout: Duration.minutes(10),
      memorySize: 1024,
      logRetention: props.logRetention,
      policyFile: props.policyFile,
      wildcardResourceReason:
        'The IAM inventory calls (iam:GetAccountAuthorizationDetails, iam:GenerateCredentialReport, iam:GetCredentialReport) are account-level reads without resource-level permissions.',
      environment: {
        [ENV.decisionsTable]: props.decisions.tableName,
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.findingsTable]: props.findings.tableName,
        [FUNCTION_ENV.eventBusName]: props.bus.bus.eventBusName,
        ...(props.decisionsReadScope ? accountEnvironment(props.decisionsReadScope) : {}),
      },
    });
    const s = this.scan;
    // Every statement of the role comes from its declaration (lib/config/permissions/scan.ts).
    s.grantDeclared({
      tables: { decisions: props.decisions, executions: props.executions, findings: props.findings },
      busArn: props.bus.bus.eventBusArn,
    });
    acknowledgeIndexQueries(s.role, [
      props.executions,
      props.findings,
      ...(props.localDecisions ? [props.localDecisions] : []),
    ]);
    if (!props.localDecisions) {
      // The hub's decisions table (organization mode), addressed by ARN.
      acknowledgeWildcard(
        s.role,
        `${nagRender(this, props.decisions.tableArn)}/index/*`,
        "Query on the indexes of the hub decisions table only (read-only; its resource policy admits this role from inside the organization, for its own account's keys only).",
      );
    }

    if (props.securityHub) {
      // Its own function, so the scan's bundle does not carry the Security Hub client. It runs when the
      // scan log's stream raises ScanCompleted, i.e. once the scan is recorded (stored), as before.
      const hub = new NhiFunction(this, 'SecurityHubExport', {
        id: 'securityHubExport',
        description: "each recorded scan's findings to the account's default Security Hub product",
        asynchronous: true,
        timeout: Duration.minutes(10),
        memorySize: 1024,
        logRetention: props.logRetention,
        environment: {
          [ENV.findingsTable]: props.findings.tableName,
          [FUNCTION_ENV.securityHubProductArn]: securityHubProductArn(this),
        },
      });
      // Every statement of the role comes from its declaration (lib/config/permissions/security-hub-export.ts).
      hub.grantDeclared({ tables: { findings: props.findings } });
      acknowledgeIndexQueries(hub.role, [props.findings]);
      props.bus.routeTo(SECURITY_HUB_ROUTE, hub);
      this.securityHubExport = hub;
    }

    const dlq = deadLetterQueue(this, 'ScheduleDlq');
    this.deadLetterQueues.push({ label: 'scan schedule', queue: dlq });
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'nhi-gov: EventBridge Scheduler starts the scan',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'nhi-gov scan: inventory, scanner rules, metrics snapshot',
      schedule: ScheduleExpression.expression(props.scanSchedule, TimeZone.of(props.scanTimezone)),
      target: new LambdaInvoke(s.fn, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        deadLetterQueue: dlq,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(s.fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the scan function and its versions/aliases only (CDK grants <arn> and <arn>:*); nothing else.',
    });
  }
}
