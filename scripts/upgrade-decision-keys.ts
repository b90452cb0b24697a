/**
 * Brings a deployed decisions table's index keys up to DECISION_KEYS_VERSION (#15: the account in the
 * by-identity partition, the by-account index), once: the version marker item (`META#KEYS` /
 * `decisions`, lib/adapters/dynamodb/key-upgrade.ts) records it, so a second run reads one item.
 * Run it with governance's credentials (Query and PutItem on the decisions table: only governance
 * writes it) on the hub, or on a single-account stack, before member scans read it by account.
 * Idempotent and resumable (conditional writes; run it again after a failure).
 * See docs/data-model.md#organization-one-hub-keyed-by-account.
 *
 *   npx tsx scripts/upgrade-decision-keys.ts --table nhi-gov-decisions \
 *     [--region eu-west-1] [--profile p] [--endpoint-url http://localhost:8000]
 *
 * Exit codes: 0 done (or already current), 2 usage or input error, 3 unexpected error.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command } from 'commander';
import { documentClient } from '../lib/adapters/dynamodb/client.js';
import { upgradeDecisionKeys } from '../lib/adapters/dynamodb/decision-key-upgrade.js';
import { DECISION_KEYS_VERSION } from '../lib/adapters/dynamodb/decision-store.js';
import { upgradeKeysOnce } from '../lib/adapters/dynamodb/key-upgrade.js';

const TABLE = /^[\w.-]{3,255}$/;

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('upgrade-decision-keys')
    .requiredOption('--table <table>', 'the decisions table (the hub: nhi-gov-decisions)')
    .option('--region <region>', 'AWS region of the table')
    .option('--profile <name>', 'AWS profile')
    .option('--endpoint-url <url>', 'another DynamoDB endpoint (DynamoDB Local)')
    .exitOverride();
  let opts: Record<string, string | undefined>;
  try {
    opts = program.parse(argv, { from: 'user' }).opts();
  } catch {
    return 2;
  }
  const table = opts.table as string;
  if (!TABLE.test(table)) {
    process.stderr.write(`upgrade-decision-keys: --table "${table}" must be a DynamoDB table name\n`);
    return 2;
  }
  const client = new DynamoDBClient({
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
  });
  try {
    const doc = documentClient(client);
    const outcome = await upgradeKeysOnce(doc, {
      tableName: table,
      tableId: 'decisions',
      version: DECISION_KEYS_VERSION,
      pass: (options) => upgradeDecisionKeys(doc, table, options),
    });
    process.stdout.write(
      `${JSON.stringify({ table, version: DECISION_KEYS_VERSION, ...outcome }, null, 2)}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`upgrade-decision-keys: ${(error as Error).message}\n`);
    return 3;
  } finally {
    client.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
