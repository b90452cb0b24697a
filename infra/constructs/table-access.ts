import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

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
