/**
 * npm run soak: decisions through the local event pipeline (the deployed pipes, rules and handler
 * code) on the IAM sandbox, with faults injected everywhere (docs/reliability.md), on a DynamoDB Local
 * of its own (in memory), always stopped. Prints the figures and exits 1 when any invariant broke.
 *
 *   npm run soak                          # 5,000 decisions, seed 1
 *   npm run soak -- --decisions 300 --seed 7
 *   npm run soak -- --json                # the whole report as JSON
 */
import { parseArgs } from 'node:util';
import { localDynamoClient } from '../lib/adapters/dynamodb/client.js';
import { startLocalDynamo } from '../lib/adapters/dynamodb/local-server.js';
import { localTableNames } from '../lib/config/tables.js';
import { runSoak } from '../local/soak/soak.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    decisions: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const decisions = Number(values.decisions);
const seed = Number(values.seed);
if (!Number.isInteger(decisions) || decisions < 1) {
  process.stderr.write(`--decisions must be a positive whole number, not ${values.decisions}\n`);
  process.exit(2);
}
if (!Number.isInteger(seed)) {
  process.stderr.write(`--seed must be a whole number, not ${values.seed}\n`);
  process.exit(2);
}

const server = await startLocalDynamo({ startTimeoutMs: 120_000 });
const client = localDynamoClient(server.endpoint);
const executorClient = localDynamoClient(server.endpoint);
const started = Date.now();
const cpu = process.cpuUsage();
try {
  const report = await runSoak({
    decisions,
    seed,
    client,
    executorClient,
    names: localTableNames('soak'),
    onProgress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${line}   `);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  const cpuSeconds = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
  if (values.json) process.stdout.write(`${JSON.stringify({ ...report, seconds, cpuSeconds }, null, 2)}\n`);
  else {
    const lines = [
      `soak: ${report.decisions} decisions, seed ${report.seed}, ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s Node CPU`,
      `filed: ${Object.entries(report.filed)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      `faults injected: ${report.faultsTotal} (${Object.entries(report.faults)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
      `pipeline: ${report.drains} drains, ${report.deliveries} deliveries, ${report.deadLettered} dead-lettered, ${report.redriven} redriven; ${report.forgedRefused} forged events refused; ${report.consoleChanges} console changes`,
      `IAM changes: ${report.iamMutations}; DynamoDB requests: ${report.dynamoRequests}; final executions: ${report.executionsFinal.succeeded} succeeded, ${report.executionsFinal.failed} failed, ${report.executionsFinal.refused} refused`,
      `lost ${report.lost}, stuck ${report.stuck}, duplicated ${report.duplicated}; invariant violations ${report.violations.length}`,
      ...report.violations.slice(0, 20).map((v) => `  ${v}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = report.violations.length === 0 ? 0 : 1;
} finally {
  client.destroy();
  executorClient.destroy();
  await server.stop();
}
