import { Duration, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUS_ROUTES } from '../../lib/config/event-routes.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { SuiteBus } from './event-bus.js';
import { acknowledgeIndexQueries, acknowledgeWildcard, nagPseudo } from './nag-helpers.js';
import { NhiFunction } from './nhi-function.js';
import type { PermissionsBoundary } from './permissions-boundary.js';
import { accountEnvironment, executorTableEnvironment, type NamedTable } from './table-access.js';

export interface ProvisioningProps {
  readonly managedPath: string;
  readonly secretPrefix: string;
  readonly scheduleGroupName: string;
  readonly boundary: PermissionsBoundary;
  /** `account` when `decisions` is the organization hub's table (see ExecutorTables). */
  readonly decisionsReadScope?: 'account';
  readonly decisions: NamedTable;
  readonly executions: TableV2;
  readonly findings: TableV2;
  readonly idempotency: TableV2;
  readonly bus: SuiteBus;
  readonly logRetention: RetentionDays;
}

// The action lists live in the function's permissions declaration; re-exported for the tests.
export {
  BOUNDARY_CONDITIONED_ACTIONS,
  MANAGED_PATH_ACTIONS,
  USER_CREDENTIAL_REMOVAL_ACTIONS,
} from '../../lib/config/permissions/provision.js';

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
    const { account } = Stack.of(this);
    const path = props.managedPath;

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
        ...accountEnvironment(props.decisionsReadScope),
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
    // Every statement of the role comes from its declaration (lib/config/permissions/provision.ts).
    p.grantDeclared({
      tables: props,
      managedPath: path,
      secretPrefix: props.secretPrefix,
      scheduleGroupName: props.scheduleGroupName,
      schedulerRoleArn: this.schedulerRole.roleArn,
      permissionsBoundaryArn: props.boundary.arn,
      busArn: props.bus.bus.eventBusArn,
    });
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
