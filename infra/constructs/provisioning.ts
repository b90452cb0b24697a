import { Duration, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUS_ROUTES } from '../../lib/config/event-routes.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { POLICY_READ_ACTIONS } from '../../lib/config/iam-reads.js';
import { INDEX } from '../../lib/config/tables.js';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { SuiteBus } from './event-bus.js';
import { acknowledgeIndexQueries, acknowledgeWildcard, nagPseudo } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';
import type { PermissionsBoundary } from './permissions-boundary.js';
import { executorTableEnvironment, executorTableStatements, type NamedTable } from './table-access.js';

export interface ProvisioningProps {
  readonly managedPath: string;
  readonly secretPrefix: string;
  readonly scheduleGroupName: string;
  readonly boundary: PermissionsBoundary;
  readonly decisions: NamedTable;
  readonly executions: TableV2;
  readonly findings: TableV2;
  readonly idempotency: TableV2;
  readonly bus: SuiteBus;
  readonly logRetention: RetentionDays;
}

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
] as const;

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
] as const;

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
] as const;

/**
 * Provisioning: the executing side for IAM. The provision function applies approved decisions within
 * the guardrails: it can create and change roles and users only under the managed path and only with
 * the permissions boundary attached, cannot change or remove the boundary, cannot touch the suite's
 * own roles, reads the decisions table (one consistent GetItem) but cannot write it, and can only
 * append to the execution trail. JIT grants end through a one-time schedule that files a revoke request
 * on the bus; the scheduler's role can do nothing else.
 */
export class Provisioning extends Construct {
  readonly provision: NhiFunction;
  readonly scheduleGroup: ScheduleGroup;
  readonly schedulerRole: Role;
  readonly scheduleDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: ProvisioningProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    const path = props.managedPath;
    const managedRoles = `arn:${partition}:iam::${account}:role${path}*`;
    const managedUsers = `arn:${partition}:iam::${account}:user${path}*`;
    const suiteRoles = [
      `arn:${partition}:iam::${account}:role${SUITE_ROLE_PATH}*`,
      `arn:${partition}:iam::${account}:role/${SUITE_ROLE_NAME_PREFIX}*`,
    ];
    const secrets = `arn:${partition}:secretsmanager:${region}:${account}:secret:${props.secretPrefix}*`;

    this.scheduleGroup = new ScheduleGroup(this, 'JitRevokes', {
      scheduleGroupName: props.scheduleGroupName,
    });
    this.scheduleDeadLetters = deadLetterQueue(this, 'JitRevokeDlq');
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'nhi-gov: EventBridge Scheduler delivers JIT revoke requests to the bus',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `${this.scheduleGroup.scheduleGroupArn}` },
        },
      }),
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PutOnBus',
        actions: ['events:PutEvents'],
        resources: [props.bus.bus.eventBusArn],
      }),
    );
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeadLetter',
        actions: ['sqs:SendMessage'],
        resources: [this.scheduleDeadLetters.queueArn],
      }),
    );

    this.provision = new NhiFunction(this, 'Provision', {
      id: 'provision',
      description: 'applies approved grants, revocations and identity changes to IAM within the guardrails',
      asynchronous: true,
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      environment: {
        ...executorTableEnvironment(props),
        [FUNCTION_ENV.eventBusName]: props.bus.bus.eventBusName,
        [FUNCTION_ENV.managedPath]: path,
        [FUNCTION_ENV.permissionsBoundaryArn]: props.boundary.arn,
        [FUNCTION_ENV.secretPrefix]: props.secretPrefix,
        [FUNCTION_ENV.scheduleGroupName]: props.scheduleGroupName,
        [FUNCTION_ENV.schedulerRoleArn]: this.schedulerRole.roleArn,
        [FUNCTION_ENV.scheduleDeadLetterArn]: this.scheduleDeadLetters.queueArn,
      },
    });
    const p = this.provision;
    p.fn.addEnvironment(FUNCTION_ENV.executorPrincipal, p.role.roleArn);
    const boundaryAttached = { StringEquals: { 'iam:PermissionsBoundary': props.boundary.arn } };

    p.allow(
      new PolicyStatement({
        sid: 'ChangeManagedIdentitiesOnlyWithBoundary',
        actions: [...BOUNDARY_CONDITIONED_ACTIONS],
        resources: [managedRoles, managedUsers],
        conditions: boundaryAttached,
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'ManageManagedIdentities',
        actions: [...MANAGED_PATH_ACTIONS],
        resources: [managedRoles, managedUsers],
      }),
    );
    // Deleting an identity completely detaches it from instance profiles and groups; IAM authorizes
    // these on the profile or group only, so they cannot be path-scoped. They only remove membership.
    p.allow(
      new PolicyStatement({
        sid: 'DetachManagedIdentitiesForDeletion',
        actions: ['iam:RemoveRoleFromInstanceProfile', 'iam:RemoveUserFromGroup'],
        resources: [
          `arn:${partition}:iam::${account}:instance-profile/*`,
          `arn:${partition}:iam::${account}:group/*`,
        ],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'RemoveManagedUserCredentials',
        actions: [...USER_CREDENTIAL_REMOVAL_ACTIONS],
        resources: [managedUsers],
      }),
    );
    // DeleteVirtualMFADevice is authorized on the device only, whose ARN carries the device's own path
    // (usually `/`), not the user's. IAM refuses it while the device is assigned to a user, so this can
    // only remove devices already deactivated, which needs DeactivateMFADevice on a managed user.
    p.allow(
      new PolicyStatement({
        sid: 'DeleteDeactivatedVirtualMfaDevices',
        actions: ['iam:DeleteVirtualMFADevice'],
        resources: [`arn:${partition}:iam::${account}:mfa/*`],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'NeverChangeTheBoundaryPolicy',
        effect: Effect.DENY,
        actions: [
          'iam:CreatePolicyVersion',
          'iam:DeletePolicy',
          'iam:DeletePolicyVersion',
          'iam:SetDefaultPolicyVersion',
          'iam:TagPolicy',
          'iam:UntagPolicy',
        ],
        resources: [props.boundary.arn],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'NeverRemoveABoundary',
        effect: Effect.DENY,
        actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
        resources: ['*'],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'NeverTouchTheSuiteRoles',
        effect: Effect.DENY,
        // Everything but passing the scheduler role (allowed above, to Scheduler only) is denied on them.
        notActions: ['iam:PassRole'],
        resources: suiteRoles,
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'ManagedSecrets',
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:RestoreSecret',
          'secretsmanager:DeleteSecret',
          'secretsmanager:TagResource',
        ],
        resources: [secrets],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'JitRevokeSchedules',
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [`arn:${partition}:scheduler:${region}:${account}:schedule/${props.scheduleGroupName}/*`],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'PassTheSchedulerRoleToSchedulerOnly',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    // Pinning: an attach is refused when the managed policy's default version is not the approved one.
    p.allow(
      new PolicyStatement({
        sid: 'ReadManagedPolicyVersions',
        actions: [...POLICY_READ_ACTIONS],
        resources: [`arn:${partition}:iam::${account}:policy/*`, `arn:${partition}:iam::aws:policy/*`],
      }),
    );
    const nagIam = nagPseudo(this);
    acknowledgeWildcard(
      p.role,
      `arn:${nagIam.partition}:iam::${nagIam.account}:policy/*`,
      'Read-only GetPolicy/GetPolicyVersion: any managed policy a decision approved may be attached, and its default version is checked against the approved one first.',
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nagIam.partition}:iam::aws:policy/*`,
      'Read-only GetPolicy/GetPolicyVersion of AWS-managed policies a decision approved, checked against the approved version before attaching.',
    );
    for (const statement of executorTableStatements(props)) p.allow(statement);
    // Other in-force grants of the same entitlement, when a grant ends: one index, read-only.
    p.allow(
      new PolicyStatement({
        sid: 'DecisionsByIdentity',
        actions: ['dynamodb:Query'],
        resources: [`${props.decisions.tableArn}/index/${INDEX.decisionsByIdentity}`],
      }),
    );
    p.allow(
      new PolicyStatement({
        sid: 'PutOnBus',
        actions: ['events:PutEvents'],
        resources: [props.bus.bus.eventBusArn],
      }),
    );
    acknowledgeIndexQueries(p.role, [props.executions]);
    const nag = nagPseudo(this);
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:iam::${nag.account}:role${path}*`,
      `Roles under the managed path ${path} only: the path is the guardrail (invariant 6). Policy changes additionally require the permissions boundary (iam:PermissionsBoundary condition).`,
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:iam::${nag.account}:user${path}*`,
      `Users under the managed path ${path} only: the path is the guardrail (invariant 6). Policy changes additionally require the permissions boundary (iam:PermissionsBoundary condition).`,
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:secretsmanager:${nag.region}:${nag.account}:secret:${props.secretPrefix}*`,
      `Secrets named ${props.secretPrefix}<user> that hold provisioned access keys; Secrets Manager appends a random suffix to every secret ARN, so a prefix is the narrowest scope.`,
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:iam::${nag.account}:instance-profile/*`,
      'RemoveRoleFromInstanceProfile is authorized on the instance profile only (not the role), so it cannot be limited to the managed path; it only removes a managed role being deleted from its profiles.',
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:iam::${nag.account}:group/*`,
      'RemoveUserFromGroup is authorized on the group only (not the user), so it cannot be limited to the managed path; it only removes a managed user being deleted from its groups.',
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:iam::${nag.account}:mfa/*`,
      "DeleteVirtualMFADevice is authorized on the MFA device only, whose ARN path is the device's own (usually /), not its user's, so it cannot be limited to the managed path. IAM refuses it on a device still assigned to a user; the role can unassign devices only from managed users (DeactivateMFADevice on user/<managed path>*), so in effect it removes the virtual devices of managed users being deleted, or devices nobody uses.",
    );
    acknowledgeWildcard(
      p.role,
      `arn:${nag.partition}:scheduler:${nag.region}:${nag.account}:schedule/${props.scheduleGroupName}/*`,
      `One-time JIT revoke schedules are created at runtime, one per grant, in the ${props.scheduleGroupName} group only.`,
    );

    props.bus.routeTo(BUS_ROUTES.ApprovedToProvision, p);
    props.bus.routeTo(BUS_ROUTES.EndedToProvision, p);
  }
}
