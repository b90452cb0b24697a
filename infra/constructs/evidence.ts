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
import { ENV } from '../../lib/config/tables.js';
import type { EvidencePeriodUnit } from '../../lib/domain/evidence/period.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import { acknowledgeIndexQueries } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';
import { tableStatement } from './table-access.js';

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

/** Where packages go in the bucket; the writer may create objects under it and nowhere else. */
export const EVIDENCE_KEY_PREFIX = 'evidence/';

/**
 * What may never happen to an evidence object, whoever asks through the writer role: delete it or a
 * version of it, shorten or lift its retention, bypass governance mode, change the bucket's lock or policy.
 */
export const EVIDENCE_FORBIDDEN_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutLifecycleConfiguration',
  's3:PutBucketVersioning',
] as const;

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
    // The reports' queries (by status, by expiry, by day, campaign items): Query only, never a write.
    w.allow(tableStatement('ReadDecisions', props.decisions, ['dynamodb:Query'], { indexes: true }));
    w.allow(tableStatement('ReadExecutions', props.executions, ['dynamodb:Query'], { indexes: true }));
    w.allow(tableStatement('ReadFindings', props.findings, ['dynamodb:Query'], { indexes: true }));
    acknowledgeIndexQueries(w.role, [props.decisions, props.executions, props.findings]);
    const objects = this.bucket.arnForObjects(`${EVIDENCE_KEY_PREFIX}*`);
    w.allow(
      new PolicyStatement({
        sid: 'CreateNewEvidenceObjectsOnly',
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: [objects],
        // S3 evaluates `s3:if-none-match` on PutObject: without the header the request is not allowed,
        // and with it S3 refuses to replace an existing key (412). Object Lock keeps every version anyway.
        conditions: { Null: { 's3:if-none-match': 'false' } },
      }),
    );
    w.allow(
      new PolicyStatement({
        sid: 'NeverDeleteOrUnlockEvidence',
        effect: Effect.DENY,
        actions: [...EVIDENCE_FORBIDDEN_ACTIONS],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
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
