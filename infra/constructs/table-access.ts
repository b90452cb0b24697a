import { Aws } from 'aws-cdk-lib';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';

/** A table's ARN (permissions declarations name `table:<key>` and `table:<key>/index/...`). */
export interface TableRef {
  readonly tableArn: string;
}

/**
 * A table a function is told about by name (environment) and reached by ARN (policy); the name is the
 * table's ARN when the table lives in another account (the hub decisions table, organization mode).
 */
export interface NamedTable extends TableRef {
  readonly tableName: string;
}

/** The tables both executors (provision and rotate) work with. */
export interface ExecutorTables {
  readonly decisions: NamedTable;
  /**
   * `account` when `decisions` is the organization hub's table: the function reads only its own
   * account's partitions there (the hub's resource policy admits nothing else).
   */
  readonly decisionsReadScope?: 'account';
  readonly executions: NamedTable;
  readonly findings: NamedTable;
  readonly idempotency: NamedTable;
}

/** The table names every executor reads from its environment (lib/config/tables.ts ENV). */
export function executorTableEnvironment(tables: ExecutorTables): Record<string, string> {
  return {
    [ENV.decisionsTable]: tables.decisions.tableName,
    [ENV.executionsTable]: tables.executions.tableName,
    [ENV.findingsTable]: tables.findings.tableName,
    [ENV.idempotencyTable]: tables.idempotency.tableName,
  };
}

/**
 * The account a function runs in (`AWS::AccountId` of its stack, so a StackSet instance names its own
 * account), and how it reads the decisions table: executors refuse decisions of other accounts, and on
 * the hub's table read their own account's partitions only.
 */
export function accountEnvironment(decisionsReadScope: 'account' | undefined): Record<string, string> {
  return {
    [FUNCTION_ENV.accountId]: Aws.ACCOUNT_ID,
    ...(decisionsReadScope ? { [FUNCTION_ENV.decisionsReadScope]: decisionsReadScope } : {}),
  };
}
