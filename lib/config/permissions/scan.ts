import { PUT_ON_BUS } from './executor.js';
import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { Action, FunctionPermissions } from './types.js';

/** The only IAM actions a scanner has: the bulk, read-only inventory calls. */
export const SCANNER_IAM_ACTIONS = [
  'iam:GetAccountAuthorizationDetails',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
] as const satisfies readonly Action[];

/**
 * scan (functions/scan/handler.ts): inventory, every scanner rule, findings, the day's metrics. Never an
 * IAM write: expiry goes through governance as a system revoke request on the bus.
 */
export const SCAN_PERMISSIONS: FunctionPermissions = {
  functionId: 'scan',
  statements: [
    ...LAMBDA_BASICS,
    FAILURE_DESTINATION,
    {
      sid: 'ReadIamInventory',
      effect: 'Allow',
      actions: SCANNER_IAM_ACTIONS,
      resources: ['*'],
      why: 'GetAccountAuthorizationDetails and the credential report support no resource scoping.',
    },
    {
      sid: 'ReadDecisions',
      effect: 'Allow',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: ['table:decisions', 'table:decisions/index/*'],
      why: 'Approved access and exceptions, to compare with IAM (drift, expiry); read-only.',
    },
    {
      sid: 'ReadExecutions',
      effect: 'Allow',
      actions: ['dynamodb:Query'],
      resources: ['table:executions', 'table:executions/index/*'],
      why: 'Provisioning metrics (time to grant and to remove) by day; read-only.',
    },
    {
      sid: 'Findings',
      effect: 'Allow',
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
      ],
      resources: ['table:findings', 'table:findings/index/*'],
      why: 'Findings are upserted 25 at a time (BatchWriteItem), read back in batches, queried by status; scan log, metrics, key-version marker and each account’s scan digest live in the findings table (UpdateItem: the digest’s claim counter and writers); the one-time key upgrade (key-upgrade.ts) re-keys old findings with Query and PutItem.',
    },
    PUT_ON_BUS,
  ],
};
