import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../adapters/dynamodb/client.js';
import type { HubTableNames } from '../adapters/dynamodb/hub-report-sources.js';
import { HUB_DECISIONS_TABLE_NAME, HUB_ORG_EVENTS_TABLE_NAME } from '../config/organization.js';
import type { TableNames } from '../config/tables.js';
import { AppError } from '../domain/errors.js';
import { UsageError } from './io.js';
import { type Stores, storesFor } from './local-store.js';

/** The stack outputs that name the tables (infra/nhi-gov-stack.ts). */
export const STACK_OUTPUTS = {
  decisions: 'DecisionsTableName',
  executions: 'ExecutionsTableName',
  findings: 'FindingsTableName',
} as const;

/** How to reach a deployed stack's tables: `--region`, `--stack` and/or explicit table names. */
export interface RemoteOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly stack?: string;
  readonly decisionsTable?: string;
  readonly executionsTable?: string;
  readonly findingsTable?: string;
  /** Another DynamoDB endpoint (a VPC endpoint, or DynamoDB Local for a dry run). */
  readonly endpointUrl?: string;
}

export type RemoteTableNames = Readonly<Record<keyof typeof STACK_OUTPUTS, string>>;

/**
 * Missing credentials or region: one cause, one exit code (2, usage or input error), whether the SDK
 * met it reading the stack (`--stack`) or the tables (table names).
 */
function notConfigured(error: unknown): UsageError | undefined {
  if (error instanceof UsageError) return undefined;
  const e = error as Error;
  if (
    e?.name === 'CredentialsProviderError' ||
    /Region is missing|Could not load credentials/.test(e?.message ?? '')
  ) {
    return new UsageError(`AWS is not configured: ${e.message}`);
  }
  return undefined;
}

/** True when any option asks for a deployed stack rather than the embedded store. */
export function wantsRemote(options: RemoteOptions): boolean {
  return Boolean(
    options.region ||
      options.stack ||
      options.decisionsTable ||
      options.executionsTable ||
      options.findingsTable ||
      options.endpointUrl,
  );
}

const explicitNames = (o: RemoteOptions) => ({
  decisions: o.decisionsTable,
  executions: o.executionsTable,
  findings: o.findingsTable,
});

/**
 * The table names of a deployed stack: explicit names win; the rest come from the stack's outputs.
 * @throws UsageError when the stack does not exist, lacks an output, or a name is missing without a stack.
 */
export async function resolveTableNames(
  options: RemoteOptions,
  cloudFormation: Pick<CloudFormationClient, 'send'>,
): Promise<RemoteTableNames> {
  const given = explicitNames(options);
  const missing = (Object.keys(STACK_OUTPUTS) as (keyof typeof STACK_OUTPUTS)[]).filter((k) => !given[k]);
  if (missing.length === 0) return given as RemoteTableNames;
  if (!options.stack) {
    throw new UsageError(
      `name the deployed tables with --stack <name> or give ${missing.map((k) => `--${k}-table`).join(', ')}`,
    );
  }
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    const result = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stack }));
    outputs = result.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    const setup = notConfigured(error);
    if (setup) throw setup;
    // CloudFormation answers a missing stack with a generic ValidationError whose message says so.
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new UsageError(
        `stack ${options.stack} does not exist${options.region ? ` in ${options.region}` : ''}`,
      );
    }
    throw new AppError('AWS_ERROR', `could not read stack ${options.stack}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const names: Record<string, string> = {};
  const absent: string[] = [];
  for (const key of Object.keys(STACK_OUTPUTS) as (keyof typeof STACK_OUTPUTS)[]) {
    const value = given[key] ?? outputs.find((o) => o.OutputKey === STACK_OUTPUTS[key])?.OutputValue;
    if (value) names[key] = value;
    else absent.push(STACK_OUTPUTS[key]);
  }
  if (absent.length > 0) {
    throw new UsageError(
      `stack ${options.stack} has no output ${absent.join(', ')}; is it an nhi-gov stack? Give the table names with --decisions-table, --executions-table and --findings-table`,
    );
  }
  return names as RemoteTableNames;
}

/** Clients of a deployed stack; tests pass their own. */
export interface RemoteClients {
  readonly dynamo?: DynamoDBClient;
  readonly cloudFormation?: Pick<CloudFormationClient, 'send'>;
}

/**
 * Runs `fn` against a deployed stack's tables with the caller's normal AWS credentials (environment,
 * profile, SSO, instance role: the SDK's default chain). Reads only: GetItem and Query.
 */
export async function withRemoteStores<T>(
  options: RemoteOptions,
  fn: (stores: Stores) => Promise<T>,
  clients: RemoteClients = {},
): Promise<T> {
  const config: DynamoDBClientConfig = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(config);
  const dynamo =
    clients.dynamo ??
    new DynamoDBClient({ ...config, ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}) });
  try {
    const names = await resolveTableNames(options, cloudFormation);
    // Reports never touch the idempotency table; the stores only need a name for it.
    const tableNames: TableNames = { ...names, idempotency: `${names.decisions}-unused` };
    return await fn(storesFor(dynamo, tableNames));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ResourceNotFoundException') {
      throw new UsageError(`a table was not found: ${(error as Error).message}`);
    }
    throw notConfigured(error) ?? error;
  } finally {
    if (!clients.dynamo) dynamo.destroy();
    if (!clients.cloudFormation) (cloudFormation as CloudFormationClient).destroy();
  }
}

/** How to reach an organization hub's tables: `--hub` and/or `--org-events-table`, with the AWS options. */
export interface HubOptions extends RemoteOptions {
  readonly hub?: boolean;
  readonly orgEventsTable?: string;
}

/** True when the options ask for the organization hub's tables (the org-wide view). */
export function wantsHub(options: HubOptions): boolean {
  return Boolean(options.hub || options.orgEventsTable);
}

/**
 * The hub's table names: its fixed names (the member templates address them by name), or the ones given.
 * @throws UsageError when a member's or single-account stack's tables are named as well.
 */
export function hubTableNames(options: HubOptions): HubTableNames {
  const member = [
    options.stack && '--stack',
    options.findingsTable && '--findings-table',
    options.executionsTable && '--executions-table',
  ].filter(Boolean);
  if (member.length > 0) {
    throw new UsageError(
      `--hub reads the hub's decisions and org-events tables; ${member.join(', ')} name a member's or a single-account stack's tables: give one or the other`,
    );
  }
  return {
    decisions: options.decisionsTable ?? HUB_DECISIONS_TABLE_NAME,
    orgEvents: options.orgEventsTable ?? HUB_ORG_EVENTS_TABLE_NAME,
  };
}

/**
 * Runs `fn` against the organization hub's tables with the caller's normal AWS credentials (the SDK's
 * default chain, `--profile`, `--region`, `--endpoint-url`). Reads only: GetItem and Query.
 * @throws UsageError when AWS is not configured or a table does not exist.
 */
export async function withHubTables<T>(
  options: HubOptions,
  fn: (client: DynamoDBDocumentClient, names: HubTableNames) => Promise<T>,
  clients: Pick<RemoteClients, 'dynamo'> = {},
): Promise<T> {
  const names = hubTableNames(options);
  const dynamo =
    clients.dynamo ??
    new DynamoDBClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    });
  try {
    return await fn(documentClient(dynamo), names);
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new UsageError(
        `a hub table was not found (${names.decisions}, ${names.orgEvents}): ${(error as Error).message}`,
      );
    }
    throw notConfigured(error) ?? error;
  } finally {
    if (!clients.dynamo) dynamo.destroy();
  }
}
