import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type LocalDynamo, startLocalDynamo } from '../../lib/adapters/dynamodb/local-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

// Shared by every project of the run (vitest loads this file once per project, in one process): one
// DynamoDB Local and one temporary directory.
interface RunState {
  server?: Promise<LocalDynamo>;
  users: number;
  tmp?: string;
}
const KEY = Symbol.for('nhi-gov.test-run');
const holder = globalThis as Record<symbol, RunState | undefined>;
holder[KEY] ??= { users: 0 };
const run = holder[KEY] as RunState;

async function stop(): Promise<void> {
  const running = run.server;
  run.server = undefined;
  await (await running)?.stop();
}

/**
 * The run's own temporary directory: tests (and the CDK's cdk.out folders) write there through
 * `os.tmpdir()`, so the check at the end sees only what this run left behind.
 */
function privateTmp(): string {
  if (!run.tmp) {
    run.tmp = mkdtempSync(join(tmpdir(), 'nhi-gov-test-run-'));
    process.env.TMPDIR = run.tmp;
  }
  return run.tmp;
}

/** Fails the run when a test left something in the run's temporary directory, then removes it. */
function checkTmp(): void {
  const dir = run.tmp;
  if (!dir) return;
  run.tmp = undefined;
  // tsx keeps a compile cache there; it is tsx's, not a test's.
  const left = readdirSync(dir).filter((f) => !/^tsx-\d+$/.test(f));
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `tests left ${left.length} item(s) in the temporary directory: ${left.slice(0, 10).join(', ')}`,
    );
  }
}

/** Starts one in-memory DynamoDB Local for the run; the returned teardown stops it even when tests fail. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  privateTmp();
  run.users++;
  if (!run.server) {
    // A loaded machine may take longer than the command line's 30 s to start Java: no deadline of
    // our own here (the run's own timeouts are the safety net).
    run.server = startLocalDynamo({ startTimeoutMs: 10 * 60_000 });
    // An interrupted run (Ctrl-C, CI timeout) still stops Java; the server's own watchdog covers SIGKILL.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        void stop().finally(() => process.exit(130));
      });
    }
  }
  project.provide('dynamoEndpoint', (await run.server).endpoint);
  return async () => {
    if (--run.users > 0) return;
    await stop();
    checkTmp();
  };
}
