import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_FORBIDDEN_ACTIONS } from '../../infra/constructs/evidence.js';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { ValidationError } from '../../lib/domain/errors.js';
import {
  allowsOnTable,
  coversAction,
  renderResource,
  roleStatements,
  type Statement,
} from './support/policies.js';
import { config, nagViolations, type Synthesized, synthOrganization, synthSingle } from './support/synth.js';

let stack: NhiGovStack;
let template: Template;
let variant: Synthesized;
let off: Synthesized;
let org: ReturnType<typeof synthOrganization>;
let writer: Statement[];
let bucketId: string;
const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);

// Every synthesis once, before the tests: each takes seconds on a busy machine.
beforeAll(() => {
  variant = synthSingle({
    'nhi-gov:evidenceObjectLockMode': 'COMPLIANCE',
    'nhi-gov:evidenceRetentionDays': '2555',
    'nhi-gov:evidenceSchedule': 'cron(0 4 ? * MON *)',
    'nhi-gov:evidencePeriod': 'week',
  });
  off = synthSingle({ 'nhi-gov:evidence': false });
  org = synthOrganization();
  ({ stack, template } = synthSingle());
  const evidence = stack.evidence;
  if (!evidence) throw new Error('no evidence construct');
  writer = roleStatements(template, id(evidence.writer.role));
  bucketId = id(evidence.bucket);
}, 240_000);

const bucketProps = () => template.findResources('AWS::S3::Bucket')[bucketId]?.Properties;
const onEvidenceBucket = (s: Statement) =>
  s.Resource.some((r) => JSON.stringify(r).includes(`"${bucketId}"`) || r === '*');

describe('the evidence bucket', () => {
  it('has Object Lock with the default retention from context, versioning, private, encrypted and access-logged', () => {
    const props = bucketProps();

    expect(props.ObjectLockEnabled).toBe(true);
    expect(props.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } },
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual(
      {
        SSEAlgorithm: 'AES256',
      },
    );
    expect(props.LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: id(stack.evidence?.accessLogs ?? { node: {} }),
    });
    expect(template.findResources('AWS::S3::Bucket')[bucketId]?.DeletionPolicy).toBe('Retain');
  });

  it('takes compliance mode and the retention from context', () => {
    const { template: t, stack: s } = variant;
    const b = s.evidence?.bucket;
    const props =
      t.findResources('AWS::S3::Bucket')[s.getLogicalId(b?.node.defaultChild as CfnElement)]?.Properties;

    expect(props.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 2555 });
  });

  it('refuses TLS-less requests, and denies the writer deletes, unlocks and PutObject without If-None-Match', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    const statements = (policies[0]?.Properties.PolicyDocument.Statement ?? []) as Record<string, unknown>[];
    const sid = (name: string) => statements.find((s) => s.Sid === name);

    expect(policies).toHaveLength(1);
    expect(
      statements.some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('"aws:SecureTransport":"false"'),
      ),
    ).toBe(true);
    expect(sid('WriterCreatesNewObjectsOnly')).toMatchObject({
      Effect: 'Deny',
      Action: 's3:PutObject',
      Condition: { Null: { 's3:if-none-match': 'true' } },
    });
    expect(sid('WriterNeverDeletesOrUnlocks')).toMatchObject({
      Effect: 'Deny',
      Action: [...EVIDENCE_FORBIDDEN_ACTIONS],
    });
  });
});

describe('the evidence writer role', () => {
  it('allows on the bucket exactly PutObject under evidence/, conditioned on If-None-Match', () => {
    const allows = writer.filter(
      (s) =>
        s.Effect === 'Allow' && onEvidenceBucket(s) && s.Action.some((a) => a === '*' || a.startsWith('s3:')),
    );
    const anyS3 = writer.filter(
      (s) => s.Effect === 'Allow' && s.Action.some((a) => a === '*' || /^s3:/i.test(a)),
    );

    expect(allows).toHaveLength(1);
    expect(allows[0]?.Action).toEqual(['s3:PutObject']);
    expect(allows[0]?.Resource.map(renderResource)).toEqual([`<${bucketId}.Arn>/evidence/*`]);
    expect(allows[0]?.Condition).toEqual({ Null: { 's3:if-none-match': 'false' } });
    expect(anyS3).toEqual(allows);
  });

  it('can neither delete nor overwrite nor unlock: no allow covers them, and an explicit deny does', () => {
    for (const action of [
      ...EVIDENCE_FORBIDDEN_ACTIONS,
      's3:GetObject',
      's3:PutObjectAcl',
      's3:ReplicateObject',
    ]) {
      const allowed = writer.filter((s) => s.Effect === 'Allow' && coversAction(s, action));
      expect(allowed, action).toEqual([]);
    }
    for (const action of EVIDENCE_FORBIDDEN_ACTIONS) {
      expect(
        writer.some((s) => s.Effect === 'Deny' && coversAction(s, action) && onEvidenceBucket(s)),
        action,
      ).toBe(true);
    }
  });

  it('only queries the tables: no write, no Scan, no GetItem beyond them', () => {
    const tables = [stack.data.decisions, stack.data.executions, stack.data.findings, stack.data.idempotency];
    for (const table of tables) {
      for (const action of [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Scan',
      ]) {
        expect(allowsOnTable(writer, action, id(table)), `${action}`).toEqual([]);
      }
    }
    const dynamo = writer.filter(
      (s) => s.Effect === 'Allow' && s.Action.some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo.flatMap((s) => s.Action)).toEqual(['dynamodb:Query', 'dynamodb:Query', 'dynamodb:Query']);
    expect(allowsOnTable(writer, 'dynamodb:Query', id(stack.data.idempotency))).toEqual([]);
  });

  it('runs on a schedule from context, with a dead-letter queue', () => {
    const { template: t } = variant;
    const schedules = Object.values(t.findResources('AWS::Scheduler::Schedule')).map((s) => s.Properties);
    const evidence = schedules.find((s) => String(s.Description).startsWith('nhi-gov evidence'));
    const fn = Object.values(t.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'nhi-gov-evidence',
    );

    expect(evidence?.ScheduleExpression).toBe('cron(0 4 ? * MON *)');
    expect(evidence?.Target.DeadLetterConfig).toBeDefined();
    expect(fn?.Properties.Environment.Variables.EVIDENCE_PERIOD).toBe('week');
  });
});

describe('evidence context and stacks', () => {
  it('names each bad evidence context key at once', () => {
    let error: unknown;
    try {
      config({
        'nhi-gov:evidenceObjectLockMode': 'governance-ish',
        'nhi-gov:evidenceRetentionDays': 0,
        'nhi-gov:evidencePeriod': 'year',
        'nhi-gov:evidenceSchedule': 'monthly',
        'nhi-gov:evidence': 'yes',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'nhi-gov:evidence',
      'nhi-gov:evidenceObjectLockMode',
      'nhi-gov:evidencePeriod',
      'nhi-gov:evidenceRetentionDays',
      'nhi-gov:evidenceSchedule',
    ]);
  });

  it('can be switched off, and is not part of the organization stacks', () => {
    expect(off.stack.evidence).toBeUndefined();
    expect(Object.keys(off.template.findResources('AWS::S3::Bucket'))).toEqual([]);
    expect(org.hub.stack.evidence).toBeUndefined();
    expect(org.member.stack.evidence).toBeUndefined();
  });

  it('keeps cdk-nag clean with the bucket, its access logs and the writer', () => {
    expect(nagViolations(stack).map((v) => v.ruleName)).toEqual([]);
  });
});
