import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../lib/config/tables.js';

/** Every item of every table, as canonical JSON text per table: cheap to compare, exact. */
export type TableSnapshot = Readonly<Record<string, readonly string[]>>;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Set) return `set(${[...value].map(canonical).sort().join(',')})`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

async function scanTable(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const items: string[] = [];
  try {
    for await (const page of paginateScan({ client: doc }, { TableName: table, ConsistentRead: true }))
      for (const item of page.Items ?? []) items.push(canonical(item));
  } catch (error) {
    // A table that does not exist yet holds nothing (local mode creates its tables on first use).
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
  return items.sort();
}

/** Scans every table (decisions, executions, findings, idempotency) with consistent reads. */
export async function snapshotTables(doc: DynamoDBDocumentClient, names: TableNames): Promise<TableSnapshot> {
  const tables = [names.decisions, names.executions, names.findings, names.idempotency];
  const scans = await Promise.all(tables.map((t) => scanTable(doc, t)));
  return Object.fromEntries(tables.map((t, i) => [t, scans[i] ?? []]));
}

/** What changed between two snapshots, per table: items added, and items changed or removed. */
export function tableChanges(
  before: TableSnapshot,
  after: TableSnapshot,
): { added: string[]; removedOrChanged: string[] } {
  const added: string[] = [];
  const removedOrChanged: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = new Set(before[table] ?? []);
    const a = new Set(after[table] ?? []);
    for (const item of a) if (!b.has(item)) added.push(`${table}: ${item}`);
    for (const item of b) if (!a.has(item)) removedOrChanged.push(`${table}: ${item}`);
  }
  return { added, removedOrChanged };
}
