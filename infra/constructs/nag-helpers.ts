import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag finding id of `<table arn>/index/*` in a policy, as AwsSolutions-IAM5 reports it for a
 * table of this stack: `Resource::<LogicalId.Arn>/index/*`.
 */
export function indexWildcardFinding(table: TableV2): string {
  const logicalId = Stack.of(table).getLogicalId(table.node.defaultChild as CfnElement);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`;
}

/** Acknowledges the `<table>/index/*` wildcard on a role that queries the table's indexes. */
export function acknowledgeIndexQueries(scope: IConstruct, tables: readonly TableV2[]): void {
  for (const table of tables) {
    Validations.of(scope).acknowledge({
      id: indexWildcardFinding(table),
      reason:
        'Query on the global secondary indexes of this one table (defined in lib/config/tables.ts). The wildcard stands for index names of this table only, and Query is read-only.',
    });
  }
}

/**
 * How cdk-nag prints this stack's partition, region and account inside a finding id: pseudo parameters
 * for an environment-agnostic stack, the literal values for a stack with an explicit environment.
 */
export function nagPseudo(scope: IConstruct): { partition: string; region: string; account: string } {
  const stack = Stack.of(scope);
  return {
    partition: '<AWS::Partition>',
    region: Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
    account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
  };
}

/** Acknowledges an AwsSolutions-IAM5 wildcard resource finding, the resource written with nagPseudo values. */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}

/** Renders a (possibly token-laden) string the way cdk-nag prints it: `<AWS::Partition>`, `<Logical.Arn>`. */
export function nagRender(scope: IConstruct, value: string): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o) return `<${String(o.Ref)}>`;
    if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
    return JSON.stringify(v);
  };
  return render(Stack.of(scope).resolve(value));
}
