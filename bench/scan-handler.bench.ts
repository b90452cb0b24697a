/**
 * Benchmark: the deployed scan function's own code path, in process. The handler module is imported
 * as Lambda imports it (its dependencies built from the environment by `defaultDeps`), with DynamoDB
 * pointed at an in-memory DynamoDB Local (`AWS_ENDPOINT_URL_DYNAMODB`) and IAM and EventBridge answered
 * by stateful fakes (aws-sdk-client-mock: GetAccountAuthorizationDetails pages and the credential
 * report of a generated account). Runs the first scan and a re-scan; prints wall time and the
 * process's peak RSS, the figure that decides whether a 512 MB Lambda can scan the account.
 *
 *   npm run bench -- --only scan-handler [identities]    # 10,000 by default; e.g. 50000
 */

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../lib/adapters/dynamodb/create-tables.js';
import { startLocalDynamo } from '../lib/adapters/dynamodb/local-server.js';
import { FUNCTION_ENV } from '../lib/config/functions.js';
import { DEFAULT_POLICY_PATH, policyFileAsJson } from '../lib/config/policy-file.js';
import { ENV, localTableNames } from '../lib/config/tables.js';
import { DAY_MS } from '../lib/domain/primitives.js';
import type { BenchContext } from './index.js';
import { installIamFromDisk } from './support/iam-on-disk.js';
import { AS_OF } from './support/inventory.js';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Generates the account, scans it twice through the scan handler, prints the figures. */
export async function run({ dir, size }: BenchContext): Promise<void> {
  const n = size ?? 10_000;
  // IAM's answers live on disk, written by a process of its own (generating 50,000 identities takes
  // hundreds of MB): this process's peak RSS is the scan function's own.
  const writer = spawnSync(
    process.execPath,
    [...process.execArgv, join(import.meta.dirname, 'support', 'write-iam-account-main.ts'), dir, String(n)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      // A heap cap given to measure the scan as a small function (NODE_OPTIONS=--max-old-space-size=…)
      // is not the generator's: it holds the whole generated account.
      env: {
        ...process.env,
        NODE_OPTIONS: (process.env.NODE_OPTIONS ?? '').replace(/--max-old-space-size=\d+/g, ''),
      },
    },
  );
  if (writer.status !== 0) throw new Error(`writing the benchmark account failed (exit ${writer.status})`);
  const pages = Number(writer.stdout.trim());
  const dynamo = await startLocalDynamo({ startTimeoutMs: 180_000 });
  try {
    const names = localTableNames('bench');
    const setup = localDynamoClient(dynamo.endpoint);
    await ensureTables(setup, names);
    setup.destroy();

    const iam = mockClient(IAMClient);
    installIamFromDisk(iam, dir);
    mockClient(EventBridgeClient)
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'bench' }] });

    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, policyFileAsJson(DEFAULT_POLICY_PATH));
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      [ENV.decisionsTable]: names.decisions,
      [ENV.executionsTable]: names.executions,
      [ENV.findingsTable]: names.findings,
      [FUNCTION_ENV.eventBusName]: 'bench-bus',
      [FUNCTION_ENV.policyFile]: policyFile,
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const { buildHandler } = await import('../functions/scan/build-handler.js');
    const { defaultDeps } = await import('../functions/scan/wiring.js');
    const handler = buildHandler(defaultDeps());

    const lines: string[] = [];
    // The re-scan is the next day's scheduled run on an unchanged account: every day count moves.
    const nextDay = new Date(Date.parse(AS_OF) + DAY_MS).toISOString();
    for (const [name, asOf] of [
      ['first scan', AS_OF],
      ['re-scan, a day later', nextDay],
    ] as const) {
      const started = performance.now();
      const summary = await handler({ asOf });
      lines.push(
        `${`${name}:`.padEnd(24)} ${seconds(performance.now() - started)}  (${summary.identities} identities, ${summary.open} open, ${summary.resolved} resolved, ${summary.written} findings written; peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)})`,
      );
      process.stdout.write(`  ${lines.at(-1)}\n`);
    }
    const rss = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(
      [
        `scan handler (functions/scan/handler.ts, in process, DynamoDB Local in memory), ${n} identities, ${pages} GAAD pages`,
        ...lines.map((l) => `  ${l}`),
        `  peak RSS (node process): ${mb(rss)}  (target <= 512 MB, a 512 MB Lambda; DynamoDB Local's Java not included; V8 heap limit ${mb(getHeapStatistics().heap_size_limit)})`,
        '',
      ].join('\n'),
    );
  } finally {
    await dynamo.stop();
  }
}
