import { Stack, Validations } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';

export interface PermissionsBoundaryProps {
  /** An existing boundary (context `nhi-gov:permissionsBoundaryArn`); otherwise one is created. */
  readonly existingArn?: string;
  /** ARNs of the suite's tables: a provisioned identity may never touch the suite's records. */
  readonly protectedTableArns: readonly string[];
}

/** IAM write actions a provisioned identity may never call, whatever its identity policy says. */
export const BOUNDARY_DENIED_IAM_ACTIONS = [
  'iam:Add*',
  'iam:Attach*',
  'iam:Change*',
  'iam:Create*',
  'iam:Deactivate*',
  'iam:Delete*',
  'iam:Detach*',
  'iam:Enable*',
  'iam:Put*',
  'iam:Remove*',
  'iam:Reset*',
  'iam:Resync*',
  'iam:Set*',
  'iam:Tag*',
  'iam:Untag*',
  'iam:Update*',
  'iam:Upload*',
] as const;

/**
 * The permissions boundary every provisioned role and user carries. It is a ceiling, not a grant:
 * what an identity can do is its approved identity policy, intersected with this. The created
 * boundary allows everything except writing IAM (so no provisioned NHI can mint or widen an identity,
 * or take its own boundary off), Organizations and account settings, turning off CloudTrail, and
 * touching the suite's own tables and roles.
 */
export class PermissionsBoundary extends Construct {
  readonly arn: string;
  readonly policy?: ManagedPolicy;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    if (props.existingArn) {
      this.arn = props.existingArn;
      return;
    }
    const { account, partition } = Stack.of(this);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'nhi-gov: permissions boundary of every role and user nhi-gov provisions',
      statements: [
        new PolicyStatement({
          sid: 'Ceiling',
          effect: Effect.ALLOW,
          actions: ['*'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoIamWrites',
          effect: Effect.DENY,
          actions: [...BOUNDARY_DENIED_IAM_ACTIONS],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoOrganizationOrAccountChanges',
          effect: Effect.DENY,
          actions: ['organizations:*', 'account:*'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoAuditTampering',
          effect: Effect.DENY,
          actions: [
            'cloudtrail:StopLogging',
            'cloudtrail:DeleteTrail',
            'cloudtrail:UpdateTrail',
            'cloudtrail:PutEventSelectors',
          ],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoSuiteRecords',
          effect: Effect.DENY,
          actions: ['dynamodb:*'],
          resources: props.protectedTableArns.flatMap((arn) => [arn, `${arn}/*`]),
        }),
        new PolicyStatement({
          sid: 'NoSuiteRoles',
          effect: Effect.DENY,
          actions: ['sts:AssumeRole', 'iam:PassRole'],
          resources: [
            `arn:${partition}:iam::${account}:role${SUITE_ROLE_PATH}*`,
            `arn:${partition}:iam::${account}:role/${SUITE_ROLE_NAME_PREFIX}*`,
          ],
        }),
      ],
    });
    this.arn = this.policy.managedPolicyArn;
    Validations.of(this.policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::*]',
        reason:
          'This is a permissions boundary, a ceiling and never a grant: an identity gets only what its governance-approved identity policy allows, intersected with this. The denies below it are what the boundary enforces.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Permissions boundary (a ceiling, not a grant): the allow-all is intersected with the identity policy governance approved; the explicit denies are scoped to IAM writes, Organizations, CloudTrail, and the suite tables and roles.',
      },
    );
  }
}
