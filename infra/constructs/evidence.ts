import { type CfnElement, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ArnPrincipal, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { EVIDENCE_FORBIDDEN_ACTIONS } from '../../lib/config/permissions/evidence.js';
import { ENV } from '../../lib/config/tables.js';
import type { EvidencePeriodUnit } from '../../lib/domain/evidence/period.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { acknowledgeIndexQueries } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';

export interface EvidenceProps {
  readonly decisions: TableV2;
  readonly executions: TableV2;
  readonly findings: TableV2;
  readonly policyFile: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly period: EvidencePeriodUnit;
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly retentionDays: number;
  readonly logRetention: RetentionDays;
}

export { EVIDENCE_KEY_PREFIX } from '../../lib/config/permissions/evidence.js';

// The forbidden actions live in the function's permissions declaration; the bucket policy repeats them.
export { EVIDENCE_FORBIDDEN_ACTIONS };

/**
 * Audit evidence at rest: a versioned, TLS-only, private bucket with S3 Object Lock (default retention
 * in governance or compliance mode) and server access logs, and a scheduled function that writes the
 * previous period's package there. The function reads the tables with Query only and can create new
 * objects only: its PutObject needs an `If-None-Match` header (S3 then refuses an existing key), and
 * both its role and the bucket policy deny deletes, retention changes and governance bypass.
 */
export class Evidence extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly writer: NhiFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueues: { readonly label: string; readonly queue: Queue }[] = [];

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    // Log delivery by bucket policy, not the legacy LogDeliveryWrite ACL: ACLs stay disabled on both buckets.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the evidence bucket: logging it to itself would loop, and logging it elsewhere would need a third bucket with the same question.',
    });

    const retention =
      props.objectLockMode === 'COMPLIANCE'
        ? ObjectLockRetention.compliance(Duration.days(props.retentionDays))
        : ObjectLockRetention.governance(Duration.days(props.retentionDays));
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: retention,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'evidence-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.writer = new NhiFunction(this, 'Writer', {
      id: 'evidence',
      description: "the previous period's evidence package, written once to the Object Lock bucket",
      asynchronous: true,
      timeout: Duration.minutes(10),
      memorySize: 1024,
      logRetention: props.logRetention,
      policyFile: props.policyFile,
      environment: {
        [ENV.decisionsTable]: props.decisions.tableName,
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.findingsTable]: props.findings.tableName,
        [FUNCTION_ENV.evidenceBucketName]: this.bucket.bucketName,
        [FUNCTION_ENV.evidencePeriod]: props.period,
      },
    });
    const w = this.writer;
    // Every statement of the role comes from its declaration (lib/config/permissions/evidence.ts): the
    // reports' queries (Query only, never a write), new objects under evidence/ only, and the Deny.
    w.grantDeclared({
      tables: { decisions: props.decisions, executions: props.executions, findings: props.findings },
      evidenceBucketArn: this.bucket.bucketArn,
    });
    acknowledgeIndexQueries(w.role, [props.decisions, props.executions, props.findings]);
    Validations.of(w.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/evidence/*]`,
      reason:
        'PutObject of new objects (If-None-Match required) under the evidence/ prefix of this one bucket: each run writes fresh keys named by period and generation time, so they cannot be listed in advance.',
    });
    Validations.of(w.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        'A Deny statement (deletes, retention changes, governance bypass on every object of the evidence bucket): the wildcard widens what is forbidden, never what is allowed.',
    });

    // The same refusals in the bucket policy, so they hold even if someone widens the role later.
    const writerPrincipal = new ArnPrincipal(w.role.roleArn);
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'WriterCreatesNewObjectsOnly',
        effect: Effect.DENY,
        principals: [writerPrincipal],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'WriterNeverDeletesOrUnlocks',
        effect: Effect.DENY,
        principals: [writerPrincipal],
        actions: [...EVIDENCE_FORBIDDEN_ACTIONS],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );

    const dlq = deadLetterQueue(this, 'ScheduleDlq');
    this.deadLetterQueues.push({ label: 'evidence schedule', queue: dlq });
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'nhi-gov: EventBridge Scheduler starts the evidence run',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new Schedule(this, 'Periodic', {
      description: "nhi-gov evidence: the previous period's package to the Object Lock bucket",
      schedule: ScheduleExpression.expression(props.schedule, TimeZone.of(props.timezone)),
      target: new LambdaInvoke(w.fn, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        deadLetterQueue: dlq,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(w.fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the evidence function and its versions/aliases only (CDK grants <arn> and <arn>:*); nothing else.',
    });
  }
}
