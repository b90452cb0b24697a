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
