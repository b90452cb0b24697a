import { POLICY_READ_ACTIONS } from '../iam-reads.js';
import { EXECUTOR_TABLES, PUT_ON_BUS } from './executor.js';
import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { Action, FunctionPermissions } from './types.js';

/** IAM calls that can change what an identity may do: allowed only with the suite's boundary attached. */
export const BOUNDARY_CONDITIONED_ACTIONS = [
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachUserPolicy',
  'iam:DetachUserPolicy',
  'iam:PutUserPolicy',
  'iam:DeleteUserPolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
] as const satisfies readonly Action[];

/**
 * IAM calls on managed identities that IAM cannot condition on the boundary (tags, reads, deletion,
 * access keys). Still scoped to the managed path only.
 */
export const MANAGED_PATH_ACTIONS = [
  'iam:GetRole',
  'iam:GetUser',
  'iam:TagRole',
  'iam:TagUser',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListInstanceProfilesForRole',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListGroupsForUser',
  'iam:GetLoginProfile',
  'iam:DeleteLoginProfile',
  'iam:ListAccessKeys',
  'iam:CreateAccessKey',
  'iam:DeleteAccessKey',
  'iam:DeleteRole',
  'iam:DeleteUser',
] as const satisfies readonly Action[];

/**
 * A user's credentials besides access keys and password, which DeleteUser refuses to leave behind:
 * listed and removed when a managed user is deleted completely. Authorized on the user, so scoped to
 * managed users only.
 */
export const USER_CREDENTIAL_REMOVAL_ACTIONS = [
  'iam:ListMFADevices',
  'iam:DeactivateMFADevice',
  'iam:ListSigningCertificates',
  'iam:DeleteSigningCertificate',
  'iam:ListSSHPublicKeys',
  'iam:DeleteSSHPublicKey',
  'iam:ListServiceSpecificCredentials',
  'iam:DeleteServiceSpecificCredential',
] as const satisfies readonly Action[];

/**
 * provision (functions/provision/handler.ts): applies approved decisions to IAM within the guardrails
 * (invariant 6): managed path only, boundary attached, never the boundary itself or the suite's roles.
 */
export const PROVISION_PERMISSIONS: FunctionPermissions = {
  functionId: 'provision',
  statements: [
    ...LAMBDA_BASICS,
    FAILURE_DESTINATION,
    {
      sid: 'ChangeManagedIdentitiesOnlyWithBoundary',
      effect: 'Allow',
      actions: BOUNDARY_CONDITIONED_ACTIONS,
      resources: ['iam:role<MANAGED_PATH>*', 'iam:user<MANAGED_PATH>*'],
      conditions: { StringEquals: { 'iam:PermissionsBoundary': '<PERMISSIONS_BOUNDARY_ARN>' } },
      why: 'Creating an identity or changing its policies needs the suite’s boundary on it (invariant 6).',
    },
    {
      sid: 'ManageManagedIdentities',
      effect: 'Allow',
      actions: MANAGED_PATH_ACTIONS,
      resources: ['iam:role<MANAGED_PATH>*', 'iam:user<MANAGED_PATH>*'],
      why: 'Tags, reads, access keys and deletion of managed identities: IAM cannot condition these on the boundary, the path still scopes them.',
    },
    {
      sid: 'DetachManagedIdentitiesForDeletion',
      effect: 'Allow',
      actions: ['iam:RemoveRoleFromInstanceProfile', 'iam:RemoveUserFromGroup'],
      resources: ['iam:instance-profile/*', 'iam:group/*'],
      why: 'Deleting an identity completely: IAM authorizes these on the profile or group only; they only remove membership.',
    },
    {
      sid: 'RemoveManagedUserCredentials',
      effect: 'Allow',
      actions: USER_CREDENTIAL_REMOVAL_ACTIONS,
      resources: ['iam:user<MANAGED_PATH>*'],
      why: 'DeleteUser refuses while MFA devices, signing certificates, SSH keys or service credentials remain.',
    },
    {
      sid: 'DeleteDeactivatedVirtualMfaDevices',
      effect: 'Allow',
      actions: ['iam:DeleteVirtualMFADevice'],
      resources: ['iam:mfa/*'],
      why: 'Authorized on the device, whose path is its own; IAM refuses it while the device is assigned.',
    },
    {
      sid: 'NeverChangeTheBoundaryPolicy',
      effect: 'Deny',
      actions: [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:TagPolicy',
        'iam:UntagPolicy',
      ],
      resources: ['iam:permissions-boundary'],
      why: 'Guardrail: the boundary that caps every provisioned identity cannot be changed by the executor.',
    },
    {
      sid: 'NeverRemoveABoundary',
      effect: 'Deny',
      actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      resources: ['*'],
      why: 'Guardrail: no identity loses its boundary through the executor.',
    },
    {
      sid: 'NeverTouchTheSuiteRoles',
      effect: 'Deny',
      notActions: ['iam:PassRole'],
      resources: ['iam:suite-roles'],
      why: 'Guardrail: everything but passing the scheduler role (allowed below, to Scheduler only) is denied on the suite’s roles.',
    },
    {
      sid: 'ManagedSecrets',
      effect: 'Allow',
      actions: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:CreateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:RestoreSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:TagResource',
      ],
      resources: ['secretsmanager:secret:<SECRET_PREFIX>*'],
      why: 'The secret that holds a provisioned user’s access key: created, filled, restored or deleted with the user.',
    },
    {
      sid: 'JitRevokeSchedules',
      effect: 'Allow',
      actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      resources: ['scheduler:schedule/<SCHEDULE_GROUP>/*'],
      why: 'One one-time revoke schedule per just-in-time grant, in the JIT group only.',
    },
    {
      sid: 'PassTheSchedulerRoleToSchedulerOnly',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: ['iam:scheduler-role'],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      why: 'A schedule names the role that delivers its revoke to the bus; that role can do nothing else.',
    },
    {
      sid: 'ReadManagedPolicyVersions',
      effect: 'Allow',
      actions: POLICY_READ_ACTIONS,
      resources: ['iam:policy/*', 'iam:aws-policy/*'],
      why: 'Pinning (invariant 12): an attach is refused when the policy’s default version is not the approved one.',
    },
    ...EXECUTOR_TABLES,
    {
      sid: 'DecisionsByIdentity',
      effect: 'Allow',
      actions: ['dynamodb:Query'],
      resources: ['table:decisions/index/by-identity'],
      why: 'Other in-force grants of the same entitlement, when one grant ends: one index, read-only.',
    },
    PUT_ON_BUS,
  ],
};
