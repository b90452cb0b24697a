import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import type { TableNames } from '../../lib/config/tables.js';

/**
 * Every item of the decisions, executions and findings tables, in a stable order: compare the value
 * before and after an attempt to prove that it wrote nothing.
 */
export async function allTableItems(
  client: DynamoDBClient,
  names: TableNames,
): Promise<Record<'decisions' | 'executions' | 'findings', string[]>> {
  const doc = documentClient(client);
  const read = async (table: string) => {
    const items: string[] = [];
    for await (const page of paginateScan({ client: doc }, { TableName: table, ConsistentRead: true })) {
      for (const item of page.Items ?? []) items.push(canonical(item));
    }
    return items.sort();
  };
  return {
    decisions: await read(names.decisions),
    executions: await read(names.executions),
    findings: await read(names.findings),
  };
}

/** JSON with object keys sorted at every level, so equal items give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Set) return `set(${[...value].map(canonical).sort().join(',')})`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
