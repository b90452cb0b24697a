import type { FunctionId } from '../functions.js';
import type { INDEX } from '../tables.js';

/**
 * The vocabulary of a function's permissions declaration: plain data, no CDK. infra resolves each symbol
 * to the construct's ARNs (infra/constructs/permissions.ts); test/infra/declared-permissions.test.ts
 * checks the synthesized roles against it, and test/support/sdk-calls.ts checks every SDK call a
 * handler makes in the tests against it.
 */

/** The IAM services the suite's functions call (the prefix of `service:Action`). */
export type Service =
  | 'dynamodb'
  | 'iam'
  | 'secretsmanager'
  | 'scheduler'
  | 'events'
  | 'states'
  | 'lambda'
  | 's3'
  | 'securityhub'
  | 'logs'
  | 'xray'
  | 'sqs';

/** An IAM action, `service:Action` (no wildcards: every grant names its actions). */
export type Action = `${Service}:${string}`;

/** The suite's tables, by role (lib/config/tables.ts). */
export type TableKey = 'decisions' | 'executions' | 'findings' | 'idempotency';
export type IndexName = (typeof INDEX)[keyof typeof INDEX];

/**
 * A resource, by meaning rather than ARN. `<...>` parts are the deployment's settings (context), which
 * the constructs know: the managed IAM path, the secret prefix, the schedule groups.
 */
export type ResourceRef =
  /** A table itself (GetItem, PutItem, ...), or its indexes (Query on `<table>/index/...`). */
  | `table:${TableKey}`
  | `table:${TableKey}/index/*`
  | `table:${TableKey}/index/${IndexName}`
  /** Identities and policies of the account, any path. */
  | 'iam:role/*'
  | 'iam:user/*'
  | 'iam:group/*'
  | 'iam:policy/*'
  | 'iam:instance-profile/*'
  | 'iam:mfa/*'
  /** AWS-managed policies (`arn:aws:iam::aws:policy/*`). */
  | 'iam:aws-policy/*'
  /** Identities under the managed path (context nhi-gov:managedPath, default `/nhi/`). */
  | 'iam:role<MANAGED_PATH>*'
  | 'iam:user<MANAGED_PATH>*'
  /** The suite's own roles: `role<SUITE_ROLE_PATH>*` and `role/<SUITE_ROLE_NAME_PREFIX>*`. */
  | 'iam:suite-roles'
  /** The permissions boundary policy every provisioned identity carries. */
  | 'iam:permissions-boundary'
  /** The role EventBridge Scheduler assumes for JIT revokes (provision) / key retirement (rotate). */
  | 'iam:scheduler-role'
  /** Secrets named `<SECRET_PREFIX>*` (Secrets Manager appends a random suffix to every ARN). */
  | 'secretsmanager:secret:<SECRET_PREFIX>*'
  /** One-time schedules in the function's schedule group (JIT revokes, or key retirement). */
  | 'scheduler:schedule/<SCHEDULE_GROUP>/*'
  /** The suite's event bus. */
  | 'events:bus'
  /** The function itself. */
  | 'lambda:self'
  /** Every state machine of the account and region (a task token names its own execution). */
  | 'states:stateMachine:*'
  /** The function's own log group. */
  | 'logs:own-log-group'
  /** The function's own on-failure destination queue (asynchronous functions). */
  | 'sqs:own-failure-destination'
  /** The evidence bucket, its objects, and the objects under `evidence/`. */
  | 's3:evidence-bucket'
  | 's3:evidence-bucket/*'
  | 's3:evidence-bucket/evidence/*'
  /** The account's default Security Hub product (where a customer's own findings are imported). */
  | 'securityhub:default-product'
  /** Every resource: only for APIs without resource-level permissions (X-Ray, IAM inventory). */
  | '*';

/** Condition keys the declarations use. */
export type ConditionKey = 'iam:PermissionsBoundary' | 'iam:PassedToService' | 's3:if-none-match';

/** A condition value: a literal, or `<PERMISSIONS_BOUNDARY_ARN>` resolved by infra. */
export type ConditionValue = '<PERMISSIONS_BOUNDARY_ARN>' | 'scheduler.amazonaws.com' | 'false';

export type ConditionOperator = 'StringEquals' | 'Null';

export type Conditions = Readonly<
  Partial<Record<ConditionOperator, Readonly<Partial<Record<ConditionKey, ConditionValue>>>>>
>;

/** Who puts the statement on the role. The template test checks all of them. */
export type AddedBy =
  /** infra/constructs/permissions.ts builds it from this declaration. */
  | 'declaration'
  /** CDK adds it itself: active tracing (X-Ray), the on-failure destination of an asynchronous function. */
  | 'cdk';

export interface DeclaredStatement {
  /** The statement id in the template (CDK's own statements have none). */
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Exactly one of actions / notActions. */
  readonly actions?: readonly Action[];
  readonly notActions?: readonly Action[];
  readonly resources: readonly ResourceRef[];
  readonly conditions?: Conditions;
  /** Default `declaration`. */
  readonly addedBy?: AddedBy;
  /** Granted only when the stack has this option on (context nhi-gov:securityHub). */
  readonly onlyWith?: 'securityHub';
  /** Why the function needs it: which calls, and why this scope is the narrowest. */
  readonly why: string;
}

/** Everything one function's role may do, and the deny guardrails on it. */
export interface FunctionPermissions {
  readonly functionId: FunctionId;
  readonly statements: readonly DeclaredStatement[];
}

/** Options of the stack that switch statements on (DeclaredStatement.onlyWith). */
export interface PermissionOptions {
  readonly securityHub?: boolean;
}

/** The statements of a declaration that a stack with these options grants. */
export function statementsFor(
  permissions: FunctionPermissions,
  options: PermissionOptions = {},
): DeclaredStatement[] {
  return permissions.statements.filter((s) => !s.onlyWith || options[s.onlyWith] === true);
}
