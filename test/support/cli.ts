import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { CliIo } from '../../lib/cli/io.js';
import { run } from '../../local/main.js';

/** Local-mode environment on the run's DynamoDB Local, with tables under `<name>-<random>`. */
export function localCliEnv(name: string): {
  NHI_GOV_DYNAMODB_ENDPOINT: string;
  NHI_GOV_TABLE_PREFIX: string;
} {
  return {
    NHI_GOV_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    NHI_GOV_TABLE_PREFIX: `${name}-${randomUUID().slice(0, 8)}`,
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line in-process with a captured stdout/stderr, a fixed clock and a working directory. */
export async function runCli(
  argv: readonly string[],
  options: { env: Readonly<Record<string, string>>; cwd: string; now: Date | string; tty?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const tty = options.tty ?? false;
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    env: options.env,
    cwd: options.cwd,
    now: () => new Date(options.now),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
