import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Runs a query through every page with the SDK's paginator and returns all items. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, input)) {
    for (const item of page.Items ?? []) items.push(item);
  }
  return items;
}

/** Runs a query page by page with the SDK's paginator, yielding each page's items. */
export async function* queryPages(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): AsyncIterable<Record<string, unknown>[]> {
  for await (const page of paginateQuery({ client }, input)) yield page.Items ?? [];
}

/** Removes the table's key and index attributes, leaving the stored entity. */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  for (const key of Object.keys(rest)) {
    if (/^gsi\d+(pk|sk)$/.test(key)) delete rest[key];
  }
  return rest;
}

/** Zero-padded number, so numbers sort as text in a sort key. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
