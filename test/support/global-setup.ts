import type { TestProject } from 'vitest/node';
import { type LocalDynamo, startLocalDynamo } from '../../lib/adapters/dynamodb/local-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let server: LocalDynamo | undefined;

async function stop(): Promise<void> {
  const running = server;
  server = undefined;
  await running?.stop();
}

/** Starts one in-memory DynamoDB Local for the run; the returned teardown stops it even when tests fail. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Generous: on a loaded machine the JVM can take minutes to start; a slow start is not a failure.
  server = await startLocalDynamo({ startTimeoutMs: 180_000 });
  // An interrupted run (Ctrl-C, CI timeout) still stops Java; the server's own watchdog covers SIGKILL.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(130));
    });
  }
  project.provide('dynamoEndpoint', server.endpoint);
  return stop;
}
