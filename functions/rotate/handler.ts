/**
 * rotate: Secrets Manager rotation function for the secrets that hold IAM user access keys
 * (createSecret / setSecret / testSecret / finishSecret), and on-demand rotation from approved
 * `rotate` decisions (docs/provisioning.md).
 *
 * Triggers: Secrets Manager (rotation of secrets named <SECRET_PREFIX>*; lambda:InvokeFunction for
 * secretsmanager.amazonaws.com), and an EventBridge rule on the suite's bus, `source: nhi-gov`,
 * detail-type DecisionApproved, detail.kind rotate (asynchronous: errors are retried, then the DLQ); and
 * EventBridge Scheduler one-time schedules (`KeyRetirementDue`) when a replaced key is due to be
 * deactivated or deleted (the state is re-checked: the event proves nothing).
 *
 * AWS actions and resources it needs (everything else should be denied):
 * - secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage,
 *   RotateSecret, TagResource, ListSecretVersionIds on secret:<SECRET_PREFIX>* (ListSecretVersionIds:
 *   when a rotation began, to tell its own leftover key from a key someone else made).
 * - lambda:InvokeFunction on this function itself: on-demand RotateSecret names this function as the
 *   rotation function, which Secrets Manager documents as needing the caller to be able to invoke it.
 *   Secrets Manager then invokes it through the function's resource policy (secretsmanager.amazonaws.com).
 * - iam:ListAccessKeys, iam:CreateAccessKey, iam:UpdateAccessKey, iam:DeleteAccessKey on
 *   user<MANAGED_PATH>*.
 * - sts:GetCallerIdentity needs no permission; it is signed with the NEW key under test.
 * - events:PutEvents on the suite's bus (SecretRotated).
 * - scheduler:CreateSchedule on schedule/<KEY_SCHEDULE_GROUP_NAME>/* (a replaced key's deactivation and
 *   deletion after its grace period); iam:PassRole on KEY_SCHEDULER_ROLE_ARN (iam:PassedToService
 *   scheduler.amazonaws.com), a role that can only invoke this function.
 * - dynamodb:GetItem on the decisions table (consistent re-read; never a write).
 * - dynamodb:PutItem, dynamodb:Query on the executions table (append-only).
 * - dynamodb:GetItem, dynamodb:PutItem on the findings table (forged-event, provisioning-failed,
 *   unmanaged-access-key); dynamodb:Query on its `by-identity` index (resolving unmanaged-access-key).
 * - dynamodb:GetItem, PutItem, UpdateItem, DeleteItem on the idempotency table.
 * - Powertools: xray:PutTraceSegments, xray:PutTelemetryRecords; CloudWatch Logs.
 */
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type RotateHandlerDeps } from './build-handler.js';

export const handler = buildHandler(defaultDeps());
