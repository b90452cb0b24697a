import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ENV } from '../../lib/config/tables.js';

/** A table's ARN and, when the statement needs its indexes, `<arn>/index/*`. */
export interface TableRef {
  readonly tableArn: string;
}

/**
 * One explicit DynamoDB statement on one table. Used instead of `grantReadWriteData`, which would
 * also grant UpdateItem, DeleteItem and BatchWriteItem: the executions table must never get those.
 */
export function tableStatement(
  sid: string,
  table: TableRef,
  actions: readonly `dynamodb:${string}`[],
  options: { indexes?: boolean } = {},
): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions: [...actions],
    resources: options.indexes ? [table.tableArn, `${table.tableArn}/index/*`] : [table.tableArn],
  });
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
 * What every executor needs of the tables, and no more: re-read a decision (GetItem only: executors
 * never write decisions), append to the execution trail (PutItem and Query: never UpdateItem or
 * DeleteItem), open findings, and keep Powertools idempotency records.
 */
export function executorTableStatements(tables: ExecutorTables): PolicyStatement[] {
  return [
    tableStatement('ReReadDecisions', tables.decisions, ['dynamodb:GetItem']),
    tableStatement('AppendExecutions', tables.executions, ['dynamodb:PutItem', 'dynamodb:Query'], {
      indexes: true,
    }),
    tableStatement('Findings', tables.findings, ['dynamodb:GetItem', 'dynamodb:PutItem']),
    tableStatement('Idempotency', tables.idempotency, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]),
  ];
}
