import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { FunctionId } from '../../lib/config/functions.js';
import { EVIDENCE_KEY_PREFIX } from '../../lib/config/permissions/evidence.js';
import { FUNCTION_PERMISSIONS } from '../../lib/config/permissions/index.js';
import {
  type ConditionValue,
  type DeclaredStatement,
  type PermissionOptions,
  type ResourceRef,
  statementsFor,
  type TableKey,
} from '../../lib/config/permissions/types.js';
import { SUITE_ROLE_NAME_PREFIX, SUITE_ROLE_PATH } from '../config.js';
import type { TableRef } from './table-access.js';

/**
 * What the symbols of a function's permissions declaration (lib/config/permissions/) stand for in this
 * stack: the construct that owns the function knows them. A symbol the declaration uses and the
 * construct does not give fails the synth, naming both.
 */
export interface PermissionTargets {
  readonly tables?: Partial<Record<TableKey, TableRef>>;
  /** Context nhi-gov:managedPath, e.g. `/nhi/`. */
  readonly managedPath?: string;
  readonly secretPrefix?: string;
  /** The function's own schedule group (JIT revokes for provision, key retirement for rotate). */
  readonly scheduleGroupName?: string;
  /** The role the function passes to EventBridge Scheduler. */
  readonly schedulerRoleArn?: string;
  readonly permissionsBoundaryArn?: string;
  readonly busArn?: string;
  /** The function's own ARN, when its policy names it (by name: a token would be a reference cycle). */
  readonly selfArn?: string;
  readonly logGroupArn?: string;
  readonly evidenceBucketArn?: string;
}

/** Symbols only the function's own construct (NhiFunction) knows: granted when the function is made. */
const OWN_RESOURCES: ReadonlySet<ResourceRef> = new Set(['logs:own-log-group']);

/** Whether NhiFunction itself grants the statement (its own log group), before the concern's statements. */
export const isOwnStatement = (s: DeclaredStatement): boolean =>
  s.resources.every((r) => OWN_RESOURCES.has(r));

function need<T>(value: T | undefined, what: string, id: FunctionId, ref: string): T {
  if (value === undefined)
    throw new Error(`permissions of ${id}: ${ref} needs ${what}, which its construct did not give`);
  return value;
}

/** The ARNs a symbol stands for in this stack. */
export function resolveResource(
  scope: IConstruct,
  id: FunctionId,
  ref: ResourceRef,
  targets: PermissionTargets,
): string[] {
  const { partition, account, region } = Stack.of(scope);
  const iam = (resource: string) => `arn:${partition}:iam::${account}:${resource}`;
  const table = /^table:([a-z]+)(\/index\/.+)?$/.exec(ref);
  if (table) {
    const key = table[1] as TableKey;
    const arn = need(targets.tables?.[key], `the ${key} table`, id, ref).tableArn;
    return [`${arn}${table[2] ?? ''}`];
  }
  switch (ref) {
    case '*':
      return ['*'];
    case 'iam:role/*':
    case 'iam:user/*':
    case 'iam:group/*':
    case 'iam:policy/*':
    case 'iam:instance-profile/*':
    case 'iam:mfa/*':
      return [iam(ref.slice('iam:'.length))];
    case 'iam:aws-policy/*':
      return [`arn:${partition}:iam::aws:policy/*`];
    case 'iam:role<MANAGED_PATH>*':
      return [iam(`role${need(targets.managedPath, 'the managed path', id, ref)}*`)];
    case 'iam:user<MANAGED_PATH>*':
      return [iam(`user${need(targets.managedPath, 'the managed path', id, ref)}*`)];
    case 'iam:suite-roles':
      return [iam(`role${SUITE_ROLE_PATH}*`), iam(`role/${SUITE_ROLE_NAME_PREFIX}*`)];
    case 'iam:permissions-boundary':
      return [need(targets.permissionsBoundaryArn, 'the permissions boundary', id, ref)];
    case 'iam:scheduler-role':
      return [need(targets.schedulerRoleArn, 'the scheduler role', id, ref)];
    case 'secretsmanager:secret:<SECRET_PREFIX>*':
      return [
        `arn:${partition}:secretsmanager:${region}:${account}:secret:${need(targets.secretPrefix, 'the secret prefix', id, ref)}*`,
      ];
    case 'scheduler:schedule/<SCHEDULE_GROUP>/*':
      return [
        `arn:${partition}:scheduler:${region}:${account}:schedule/${need(targets.scheduleGroupName, 'the schedule group', id, ref)}/*`,
      ];
    case 'events:bus':
      return [need(targets.busArn, 'the suite bus', id, ref)];
    case 'lambda:self':
      return [need(targets.selfArn, 'its own function ARN', id, ref)];
    case 'states:stateMachine:*':
      return [`arn:${partition}:states:${region}:${account}:stateMachine:*`];
    case 'logs:own-log-group':
      return [need(targets.logGroupArn, 'its log group', id, ref)];
    case 's3:evidence-bucket':
      return [need(targets.evidenceBucketArn, 'the evidence bucket', id, ref)];
    case 's3:evidence-bucket/*':
      return [`${need(targets.evidenceBucketArn, 'the evidence bucket', id, ref)}/*`];
    case 's3:evidence-bucket/evidence/*':
      return [`${need(targets.evidenceBucketArn, 'the evidence bucket', id, ref)}/${EVIDENCE_KEY_PREFIX}*`];
    case 'securityhub:default-product':
      return [`arn:${partition}:securityhub:${region}:${account}:product/${account}/default`];
    case 'sqs:own-failure-destination':
      throw new Error(`permissions of ${id}: ${ref} is granted by CDK (on-failure destination), not built`);
    default:
      throw new Error(`permissions of ${id}: unknown resource ${ref}`);
  }
}

function resolveCondition(id: FunctionId, value: ConditionValue, targets: PermissionTargets): string {
  return value === '<PERMISSIONS_BOUNDARY_ARN>'
    ? need(targets.permissionsBoundaryArn, 'the permissions boundary', id, value)
    : value;
}

/** One declared statement as a CDK statement, its symbols resolved. */
export function toPolicyStatement(
  scope: IConstruct,
  id: FunctionId,
  s: DeclaredStatement,
  targets: PermissionTargets,
): PolicyStatement {
  const conditions = s.conditions
    ? Object.fromEntries(
        Object.entries(s.conditions).map(([operator, keys]) => [
          operator,
          Object.fromEntries(
            Object.entries(keys ?? {}).map(([key, value]) => [
              key,
              resolveCondition(id, value as ConditionValue, targets),
            ]),
          ),
        ]),
      )
    : undefined;
  return new PolicyStatement({
    ...(s.sid ? { sid: s.sid } : {}),
    effect: s.effect === 'Deny' ? Effect.DENY : Effect.ALLOW,
    ...(s.actions ? { actions: [...s.actions] } : {}),
    ...(s.notActions ? { notActions: [...s.notActions] } : {}),
    resources: s.resources.flatMap((r) => resolveResource(scope, id, r, targets)),
    ...(conditions ? { conditions } : {}),
  });
}

/**
 * The statements infra builds for a function from its declaration: those marked `declaration` (CDK adds
 * the others itself), with the stack's options, filtered by `which`.
 */
export function declaredPolicyStatements(
  scope: IConstruct,
  id: FunctionId,
  targets: PermissionTargets,
  options: PermissionOptions & { readonly which?: (s: DeclaredStatement) => boolean } = {},
): PolicyStatement[] {
  return statementsFor(FUNCTION_PERMISSIONS[id], options)
    .filter((s) => (s.addedBy ?? 'declaration') === 'declaration')
    .filter(options.which ?? (() => true))
    .map((s) => toPolicyStatement(scope, id, s, targets));
}
