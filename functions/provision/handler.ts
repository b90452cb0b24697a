/**
 * provision: applies approved decisions to IAM within the guardrails (docs/provisioning.md).
 *
 * Trigger: EventBridge rules on the suite's bus, `source: nhi-gov`, detail-type DecisionApproved
 * (kinds grant, break-glass, create-identity, delete-identity, revoke) and DecisionRevoked /
 * DecisionExpired (grant, break-glass). Asynchronous invoke: a thrown error is retried, then lands in
 * the function's dead-letter queue.
 *
 * AWS actions and resources it needs (everything else should be denied):
 * - dynamodb:GetItem on the decisions table (consistent re-read); dynamodb:Query on its `by-identity`
 *   index (other in-force grants of the same entitlement, when a grant ends). Never a write.
 * - dynamodb:PutItem, dynamodb:Query on the executions table (append-only: no UpdateItem/DeleteItem).
 * - dynamodb:GetItem, dynamodb:PutItem on the findings table (forged-event, provisioning-failed).
 * - dynamodb:GetItem, PutItem, UpdateItem, DeleteItem on the idempotency table.
 * - iam:GetRole, iam:GetUser on role/* and user/* (reading an identity outside the managed path is
 *   how the function refuses it with a clear reason; with the reads scoped to the path it fails with
 *   AccessDenied instead, which is still a refusal).
 * - On role<MANAGED_PATH>* and user<MANAGED_PATH>* only:
 *   iam:CreateRole, iam:CreateUser (condition iam:PermissionsBoundary = PERMISSIONS_BOUNDARY_ARN),
 *   iam:TagRole, iam:TagUser (CreateRole/CreateUser with Tags need them),
 *   iam:AttachRolePolicy, iam:DetachRolePolicy, iam:PutRolePolicy, iam:DeleteRolePolicy,
 *   iam:AttachUserPolicy, iam:DetachUserPolicy, iam:PutUserPolicy, iam:DeleteUserPolicy
 *   (condition iam:PermissionsBoundary = PERMISSIONS_BOUNDARY_ARN),
 *   iam:ListAttachedRolePolicies, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListInstanceProfilesForRole,
 *   iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy, iam:ListGroupsForUser,
 *   iam:GetLoginProfile, iam:DeleteLoginProfile, iam:ListAccessKeys, iam:CreateAccessKey,
 *   iam:DeleteAccessKey, iam:DeleteRole, iam:DeleteUser.
 * - iam:GetPolicy, iam:GetPolicyVersion on policy/* of the account and AWS-managed policies (read-only:
 *   an attach is refused when the managed policy's default version is not the one approved).
 * - iam:RemoveRoleFromInstanceProfile on the role and instance-profile/*; iam:RemoveUserFromGroup on
 *   the user and group/* (complete deletion of an identity).
 * - On user<MANAGED_PATH>* only, to delete a user completely (DeleteUser refuses while any remain):
 *   iam:ListMFADevices, iam:DeactivateMFADevice, iam:ListSigningCertificates,
 *   iam:DeleteSigningCertificate, iam:ListSSHPublicKeys, iam:DeleteSSHPublicKey,
 *   iam:ListServiceSpecificCredentials, iam:DeleteServiceSpecificCredential.
 * - iam:DeleteVirtualMFADevice on mfa/* (authorized on the device, whose path is its own, not the
 *   user's; IAM refuses it while the device is assigned, so only deactivated devices can go).
 * - secretsmanager:DescribeSecret, GetSecretValue, CreateSecret, PutSecretValue, RestoreSecret,
 *   DeleteSecret, TagResource on secret:<SECRET_PREFIX>*.
 * - scheduler:CreateSchedule, scheduler:DeleteSchedule on schedule/<SCHEDULE_GROUP_NAME>/*;
 *   iam:PassRole on SCHEDULER_ROLE_ARN (iam:PassedToService scheduler.amazonaws.com).
 * - Powertools: xray:PutTraceSegments, xray:PutTelemetryRecords; CloudWatch Logs.
 */
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type ProvisionHandlerDeps } from './build-handler.js';

export const handler = buildHandler(defaultDeps());
