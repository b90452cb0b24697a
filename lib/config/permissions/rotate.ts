import { EXECUTOR_TABLES, PUT_ON_BUS } from './executor.js';
import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { FunctionPermissions } from './types.js';

/**
 * rotate (functions/rotate/handler.ts): the Secrets Manager rotation function of the access-key
 * secrets (createSecret / setSecret / testSecret / finishSecret), on-demand `rotate` decisions and the
 * retirement of replaced keys. sts:GetCallerIdentity (testSecret, signed with the new key) needs no
 * permission.
 */
export const ROTATE_PERMISSIONS: FunctionPermissions = {
  functionId: 'rotate',
  statements: [
    ...LAMBDA_BASICS,
    FAILURE_DESTINATION,
    {
      sid: 'RotateManagedSecrets',
      effect: 'Allow',
      actions: [
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:UpdateSecretVersionStage',
        'secretsmanager:RotateSecret',
        'secretsmanager:TagResource',
        'secretsmanager:ListSecretVersionIds',
      ],
      resources: ['secretsmanager:secret:<SECRET_PREFIX>*'],
      why: 'The four rotation steps (Get/Put value, stage moves, Describe), on-demand RotateSecret, the rotation tag, and ListSecretVersionIds to tell its own leftover key from someone else’s.',
    },
    {
      sid: 'InvokeSelfForOnDemandRotation',
      effect: 'Allow',
      actions: ['lambda:InvokeFunction'],
      resources: ['lambda:self'],
      why: 'On-demand RotateSecret names this function, and Secrets Manager requires the caller may invoke it.',
    },
    {
      sid: 'KeyRetirementSchedules',
      effect: 'Allow',
      actions: ['scheduler:CreateSchedule'],
      resources: ['scheduler:schedule/<SCHEDULE_GROUP>/*'],
      why: 'A replaced key’s deactivation and deletion after its grace period, in the key-retirement group only.',
    },
    {
      sid: 'PassTheKeySchedulerRoleToSchedulerOnly',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: ['iam:scheduler-role'],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      why: 'The key-retirement schedules invoke this function through a role that can do nothing else.',
    },
    {
      sid: 'AccessKeysOfManagedUsers',
      effect: 'Allow',
      actions: ['iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys'],
      resources: ['iam:user<MANAGED_PATH>*'],
      why: 'Rotation creates, deactivates and deletes the access keys of managed users, nothing else in IAM.',
    },
    ...EXECUTOR_TABLES,
    {
      sid: 'FindingsByIdentity',
      effect: 'Allow',
      actions: ['dynamodb:Query'],
      resources: ['table:findings', 'table:findings/index/*'],
      why: 'An unmanaged-access-key finding resolves once its key is gone: found by identity.',
    },
    PUT_ON_BUS,
  ],
};
