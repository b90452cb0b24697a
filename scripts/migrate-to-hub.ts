/**
 * Moves a single-account or per-member deployment's data into the organization hub's tables:
 * decisions (with their approvals, refusals, claims and campaigns) re-keyed `<account>-<old id>`,
 * the execution trail re-keyed the same way, findings and the scan log as they are. Idempotent and
 * resumable (conditional writes; run it again after a failure), verified by reading every key back.
 * See docs/data-model.md#migrating-to-the-hub for the steps around it.
 *
 *   npx tsx scripts/migrate-to-hub.ts --account 444455556666 \
 *     --from-decisions NhiGov-Member-444455556666-Decisions --to-decisions NhiGovHub-Decisions \
 *     [--from-executions <old> --to-executions <new>] [--from-findings <old> --to-findings <new>] \
 *     [--region eu-west-1] [--profile p] [--endpoint-url http://localhost:8000] [--dry-run]
 *
 * Exit codes: 0 complete, 1 not complete (conflicts or a count that does not match: see the
 * output), 2 usage or input error, 3 unexpected error.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command } from 'commander';
import { documentClient } from '../lib/adapters/dynamodb/client.js';
import { ValidationError } from '../lib/domain/errors.js';
import { type MigrationOptions, migrateToHub, type TableCopy } from './lib/hub-migration.js';

const TABLE = /^[\w.-]{3,255}$/;

function pair(
  opts: Record<string, string | undefined>,
  name: string,
  required: boolean,
): TableCopy | undefined {
  const from = opts[`from${name}`];
  const to = opts[`to${name}`];
  const flag = name.toLowerCase();
  if (from === undefined && to === undefined && !required) return undefined;
  if (!from || !to) throw new ValidationError(`--from-${flag} and --to-${flag} go together`, []);
  for (const [f, v] of [
    [`--from-${flag}`, from],
    [`--to-${flag}`, to],
  ] as const)
    if (!TABLE.test(v)) throw new ValidationError(`${f} "${v}" must be a DynamoDB table name`, []);
  return { from, to };
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('migrate-to-hub')
    .requiredOption(
      '--account <id>',
      'the account the source deployment served (given to decisions without one)',
    )
    .requiredOption('--from-decisions <table>', 'the old decisions table')
    .requiredOption('--to-decisions <table>', 'the hub decisions table')
    .option('--from-executions <table>', 'the old executions table')
    .option('--to-executions <table>', 'the new executions table')
    .option('--from-findings <table>', 'the old findings table')
    .option('--to-findings <table>', 'the new findings table')
    .option('--region <region>', 'AWS region of the tables')
    .option('--profile <name>', 'AWS profile')
    .option('--endpoint-url <url>', 'another DynamoDB endpoint (DynamoDB Local)')
    .option('--dry-run', 'read and count only; write nothing')
    .exitOverride();
  let opts: Record<string, string | undefined> & { dryRun?: boolean };
  try {
    opts = program.parse(argv, { from: 'user' }).opts();
  } catch {
    return 2;
  }
  let options: MigrationOptions;
  try {
    options = {
      accountId: opts.account as string,
      decisions: pair(opts, 'Decisions', true) as TableCopy,
      ...(pair(opts, 'Executions', false)
        ? { executions: pair(opts, 'Executions', false) as TableCopy }
        : {}),
      ...(pair(opts, 'Findings', false) ? { findings: pair(opts, 'Findings', false) as TableCopy } : {}),
      dryRun: opts.dryRun === true,
      progress: (line) => process.stderr.write(`${line}\n`),
    };
  } catch (error) {
    process.stderr.write(`migrate-to-hub: ${(error as Error).message}\n`);
    return 2;
  }
  const client = new DynamoDBClient({
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
  });
  try {
    const result = await migrateToHub(documentClient(client), options);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.complete || options.dryRun ? 0 : 1;
  } catch (error) {
    process.stderr.write(`migrate-to-hub: ${(error as Error).message}\n`);
    return error instanceof ValidationError ? 2 : 3;
  } finally {
    client.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
