import { isatty } from 'node:tty';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The clock, so `--as-of` defaults and tests agree on "now". */
  readonly now: () => Date;
  /** Whether stdin is a terminal (an interactive session): the local store then outlives the command. */
  readonly stdinIsTTY?: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    stdinIsTTY: isatty(0),
  };
}

/**
 * Exit codes, documented in docs/cli.md: 0 ok, 1 findings at or above --fail-on, 2 usage or input
 * error (including an id that does not exist), 3 refused (separation of duties, policy, conflict) or
 * an unexpected failure.
 */
export const EXIT = { ok: 0, failOn: 1, usage: 2, refused: 3, internal: 3 } as const;

/** A usage or input error: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** Thrown by a command to end with a given exit code after printing its output (e.g. `--fail-on`). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
