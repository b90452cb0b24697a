import { FUNCTION_ENTRIES, type FunctionId } from '../../lib/config/functions.js';
import { FUNCTION_PERMISSIONS } from '../../lib/config/permissions/index.js';
import type { DeclaredStatement, ResourceRef, TableKey } from '../../lib/config/permissions/types.js';

/**
 * Maps an AWS SDK call (client, command, input) to the IAM authorizations it needs, and checks them
 * against a function's permissions declaration (lib/config/permissions/). Pure: test/support/sdk-calls.ts
 * feeds it every call the handlers make during the tests.
 */

/** One IAM authorization a call needs: the action, and for DynamoDB the table (and index) it touches. */
export interface Need {
  readonly action: string;
  /** DynamoDB only: `table:<key>` or `table:<key>/index/<name>`; other services are checked by action. */
  readonly resource?: string;
}

/** The IAM prefix of each SDK client the suite uses. A client missing here fails the check loudly. */
const SERVICE_OF_CLIENT: Readonly<Record<string, string>> = {
  DynamoDBClient: 'dynamodb',
  DynamoDBDocumentClient: 'dynamodb',
  IAMClient: 'iam',
  SecretsManagerClient: 'secretsmanager',
  SchedulerClient: 'scheduler',
  EventBridgeClient: 'events',
  SFNClient: 'states',
  S3Client: 's3',
  SecurityHubClient: 'securityhub',
  STSClient: 'sts',
  LambdaClient: 'lambda',
};

/** Calls that need no IAM permission (sts:GetCallerIdentity is answered for any valid signature). */
const NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/** lib-dynamodb's document commands → the DynamoDB operation IAM authorizes. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
  ExecuteStatement: 'ExecuteStatement',
  BatchExecuteStatement: 'BatchExecuteStatement',
  ExecuteTransaction: 'ExecuteTransaction',
};

/** Which of the suite's tables a name is: tests and local mode name them `<prefix>-<key>`. */
export function tableKeyOf(tableName: string): TableKey | undefined {
  const m = /-(decisions|executions|findings|idempotency)$/.exec(tableName.split('/').pop() ?? tableName);
  return m?.[1] as TableKey | undefined;
}

const tableRef = (name: unknown, index?: unknown): string => {
  const key = typeof name === 'string' ? tableKeyOf(name) : undefined;
  const table = `table:${key ?? `<unknown table ${String(name)}>`}`;
  return typeof index === 'string' ? `${table}/index/${index}` : table;
};

type Input = Record<string, unknown>;

/** The authorizations one SDK call needs. */
export function needsOf(clientName: string, commandName: string, input: Input): Need[] {
  const service = SERVICE_OF_CLIENT[clientName];
  if (!service) return [{ action: `<unknown client ${clientName}>:${commandName}` }];
  const bare = commandName.replace(/Command$/, '');
  if (service !== 'dynamodb') {
    const action = `${service}:${bare}`;
    return NO_PERMISSION.has(action) ? [] : [{ action }];
  }
  const operation = clientName === 'DynamoDBDocumentClient' ? (DOCUMENT_COMMANDS[bare] ?? bare) : bare;
  const items = (key: string) => (Array.isArray(input[key]) ? (input[key] as Input[]) : []);
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as Input | undefined) ?? {}).map((name) => ({
        action: `dynamodb:${operation}`,
        resource: tableRef(name),
      }));
    // IAM authorizes a transaction through its items' own actions ("Using IAM with DynamoDB transactions").
    case 'TransactWriteItems':
      return items('TransactItems').flatMap((item) =>
        (
          [
            ['Put', 'PutItem'],
            ['Update', 'UpdateItem'],
            ['Delete', 'DeleteItem'],
            ['ConditionCheck', 'ConditionCheckItem'],
          ] as const
        )
          .filter(([k]) => item[k])
          .map(([k, action]) => ({
            action: `dynamodb:${action}`,
            resource: tableRef((item[k] as Input).TableName),
          })),
      );
    case 'TransactGetItems':
      return items('TransactItems').map((item) => ({
        action: 'dynamodb:GetItem',
        resource: tableRef((item.Get as Input | undefined)?.TableName),
      }));
    default:
      return [{ action: `dynamodb:${operation}`, resource: tableRef(input.TableName, input.IndexName) }];
  }
}

/** Whether a declared resource symbol covers a DynamoDB resource a call touches. */
function coversTable(declared: ResourceRef, needed: string): boolean {
  if (declared === needed) return true;
  const index = /^(table:[a-z]+)\/index\/[^/]+$/.exec(needed);
  return index !== null && declared === `${index[1]}/index/*`;
}

/** Whether an Allow statement of the declaration covers the need (Deny statements never grant). */
export function isCovered(statements: readonly DeclaredStatement[], need: Need): boolean {
  return statements.some(
    (s) =>
      s.effect === 'Allow' &&
      (s.actions ?? []).includes(need.action as never) &&
      (need.resource === undefined || s.resources.some((r) => coversTable(r, need.resource as string))),
  );
}

const FUNCTION_OF_DIRECTORY: ReadonlyMap<string, FunctionId> = new Map(
  (Object.entries(FUNCTION_ENTRIES) as [FunctionId, string][]).map(([id, entry]) => [
    entry.split('/')[1] as string,
    id,
  ]),
);

/**
 * The function whose code made a call: the innermost frame of the call's stack (async frames included)
 * in `<repo>/functions/<name>/` other than functions/shared. Undefined when no handler is on the stack
 * (a test seeding data, a use case called directly).
 */
export function functionOfStack(stack: string, repoRoot: string): FunctionId | undefined {
  const root = repoRoot.replace(/\/$/, '');
  for (const line of stack.split('\n')) {
    const at = line.indexOf(`${root}/functions/`);
    if (at < 0) continue;
    const dir = line.slice(at + root.length + '/functions/'.length).split('/')[0] ?? '';
    const id = FUNCTION_OF_DIRECTORY.get(dir);
    if (id) return id;
  }
  return undefined;
}

/** The needs of a call its function's declaration does not cover (empty when all are covered). */
export function uncoveredNeeds(fn: FunctionId, needs: readonly Need[]): Need[] {
  const statements = FUNCTION_PERMISSIONS[fn].statements;
  return needs.filter((need) => !isCovered(statements, need));
}
