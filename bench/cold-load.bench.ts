/**
 * Benchmark: cold load of each function's bundle. Every function is bundled as the CDK app bundles it,
 * next to an empty handler that creates the same SDK clients (bundled with the same options). Each
 * bundle is imported in fresh Node processes, alternating with its empty twin; the figure is the
 * median import time and the ratio bundle / empty-with-the-same-clients (target ≤ 1.3).
 *
 *   npm run bench -- --only cold-load [--runs 7]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FUNCTION_ENV } from '../lib/config/functions.js';
import { DEFAULT_POLICY_PATH, policyFileAsJson } from '../lib/config/policy-file.js';
import { ENV } from '../lib/config/tables.js';
import { bundleFunctions, bundleOptions } from '../scripts/lib/bundle-functions.js';
import type { BenchContext } from './index.js';

/** The SDK client each bundled client package exports (the ones the suite depends on). */
const CLIENTS: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-iam': 'IAMClient',
  '@aws-sdk/client-eventbridge': 'EventBridgeClient',
  '@aws-sdk/client-scheduler': 'SchedulerClient',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
  '@aws-sdk/client-sfn': 'SFNClient',
  '@aws-sdk/client-sts': 'STSClient',
  '@aws-sdk/client-cloudformation': 'CloudFormationClient',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-securityhub': 'SecurityHubClient',
};

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** The environment a deployed function gets, with made-up names: enough for every cold start to pass. */
function lambdaEnv(policyJson: string): NodeJS.ProcessEnv {
  const arn = (what: string) => `arn:aws:${what}`;
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [ENV.decisionsTable]: 'bench-decisions',
    [ENV.executionsTable]: 'bench-executions',
    [ENV.findingsTable]: 'bench-findings',
    [ENV.idempotencyTable]: 'bench-idempotency',
    [FUNCTION_ENV.eventBusName]: 'bench-bus',
    [FUNCTION_ENV.policyFile]: policyJson,
    [FUNCTION_ENV.permissionsBoundaryArn]: arn('iam::123456789012:policy/nhi-boundary'),
    [FUNCTION_ENV.scheduleGroupName]: 'bench-jit',
    [FUNCTION_ENV.schedulerRoleArn]: arn('iam::123456789012:role/bench-scheduler'),
    [FUNCTION_ENV.taskRequesterArns]: arn('iam::123456789012:role/bench-workflow'),
    [FUNCTION_ENV.executorPrincipal]: arn('iam::123456789012:role/bench-executor'),
    [FUNCTION_ENV.keySchedulerRoleArn]: arn('iam::123456789012:role/bench-key-scheduler'),
    [FUNCTION_ENV.rotateFunctionArn]: arn('lambda:eu-west-1:123456789012:function:bench-rotate'),
    // The executors' own account (#15: they refuse another account's decision).
    [FUNCTION_ENV.accountId]: '123456789012',
    [FUNCTION_ENV.evidenceBucketName]: 'bench-evidence',
    [FUNCTION_ENV.evidencePeriod]: 'month',
    [FUNCTION_ENV.securityHubProductArn]: arn(
      'securityhub:eu-west-1:123456789012:product/123456789012/default',
    ),
  };
}

/** Milliseconds to import `file` in a fresh Node process (measured inside it, so process start is excluded). */
function importMs(file: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  // The last lines only: a minified bundle's stack trace quotes the whole line it failed on.
  if (run.status !== 0)
    throw new Error(`importing ${file} failed: ${run.stderr.split('\n').slice(-12).join('\n')}`);
  return Number(run.stdout);
}

export interface ColdLoadRow {
  readonly id: string;
  readonly clients: readonly string[];
  readonly bundleMs: number;
  readonly emptyMs: number;
  readonly ratio: number;
}

/** Bundles every function and its empty twin into `dir`, and measures both `runs` times each. */
export async function coldLoad(dir: string, runs: number): Promise<ColdLoadRow[]> {
  const policyJson = join(dir, 'policy.json');
  writeFileSync(policyJson, policyFileAsJson(DEFAULT_POLICY_PATH));
  const env = lambdaEnv(policyJson);
  const bundles = await bundleFunctions(join(dir, 'functions'));
  const rows: ColdLoadRow[] = [];
  for (const bundle of bundles) {
    // What the bundle really carries: an input esbuild tree-shook away (imported, 0 bytes out) is no client.
    const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint !== undefined);
    const inputs = Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    const clients = Object.keys(CLIENTS).filter((pkg) =>
      inputs.some((p) => p.includes(`node_modules/${pkg}/`)),
    );
    const twinDir = join(dir, 'empty', bundle.id);
    mkdirSync(twinDir, { recursive: true });
    const entry = join(twinDir, 'entry.mjs');
    writeFileSync(
      entry,
      [
        ...clients.map((pkg) => `import { ${CLIENTS[pkg]} } from '${pkg}';`),
        `export const clients = [${clients.map((pkg) => `new ${CLIENTS[pkg]}({})`).join(', ')}];`,
        'export const handler = async () => ({});',
      ].join('\n'),
    );
    const twin = join(twinDir, 'index.mjs');
    await build({ ...bundleOptions(entry, twin), nodePaths: [join(process.cwd(), 'node_modules')] });
    const bundleTimes: number[] = [];
    const emptyTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      bundleTimes.push(importMs(bundle.file, env));
      emptyTimes.push(importMs(twin, env));
    }
    const bundleMs = median(bundleTimes);
    const emptyMs = median(emptyTimes);
    rows.push({ id: bundle.id, clients, bundleMs, emptyMs, ratio: bundleMs / emptyMs });
  }
  return rows;
}

/** Prints the cold-load table. */
export async function run({ dir, args }: BenchContext): Promise<void> {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
  const rows = await coldLoad(dir, runs);
  const lines = rows.map(
    (r) =>
      `  ${r.id.padEnd(19)} ${r.bundleMs.toFixed(0).padStart(5)} ms  vs ${r.emptyMs.toFixed(0).padStart(4)} ms  ${r.ratio.toFixed(2)}x  ${r.ratio <= 1.3 ? 'met' : 'not met'}  (${r.clients.map((c) => c.replace('@aws-sdk/client-', '')).join(', ')})`,
  );
  process.stdout.write(
    `cold load: median import of ${runs} fresh processes, bundle vs an empty handler with the same clients (target <= 1.3x)\n${lines.join('\n')}\n`,
  );
}
