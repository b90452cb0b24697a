import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { Action, FunctionPermissions } from './types.js';

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
] as const satisfies readonly Action[];

/** evidence (functions/evidence/handler.ts): the previous period's package, written once. */
export const EVIDENCE_PERMISSIONS: FunctionPermissions = {
  functionId: 'evidence',
  statements: [
    ...LAMBDA_BASICS,
    FAILURE_DESTINATION,
    {
      sid: 'ReadDecisions',
      effect: 'Allow',
      actions: ['dynamodb:Query'],
      resources: ['table:decisions', 'table:decisions/index/*'],
      why: 'The reports’ own queries (by status, by expiry); never a Scan, never a write.',
    },
    {
      sid: 'ReadExecutions',
      effect: 'Allow',
      actions: ['dynamodb:Query'],
      resources: ['table:executions', 'table:executions/index/*'],
      why: 'Execution records of the period, by day.',
    },
    {
      sid: 'ReadFindings',
      effect: 'Allow',
      actions: ['dynamodb:Query'],
      resources: ['table:findings', 'table:findings/index/*'],
      why: 'Findings of the period, by status.',
    },
    {
      sid: 'CreateNewEvidenceObjectsOnly',
      effect: 'Allow',
      actions: ['s3:PutObject'],
      resources: ['s3:evidence-bucket/evidence/*'],
      conditions: { Null: { 's3:if-none-match': 'false' } },
      why: 'Only with If-None-Match: S3 refuses to replace an existing key (412); Object Lock keeps every version anyway.',
    },
    {
      sid: 'NeverDeleteOrUnlockEvidence',
      effect: 'Deny',
      actions: EVIDENCE_FORBIDDEN_ACTIONS,
      resources: ['s3:evidence-bucket', 's3:evidence-bucket/*'],
      why: 'Guardrail: whatever else is attached to the role, evidence cannot be deleted or unlocked.',
    },
  ],
};
