/**
 * The `nhi-gov` command line as shipped: every command of lib/cli plus the local loop's (`run`,
 * `sandbox`, `demo`), which wire the deployed handlers and so live outside lib/ (see wiring.ts).
 * scripts/build-cli.mjs bundles this file.
 */
import type { RegisterCommand } from '../lib/cli/commands/index.js';
import type { CliIo } from '../lib/cli/io.js';
import { buildProgram as buildLibProgram, run as runLib } from '../lib/cli/main.js';
import { registerRun, registerSandbox } from './commands.js';
import { registerDemo } from './demo.js';

export const LOCAL_COMMANDS: readonly RegisterCommand[] = [registerRun, registerSandbox, registerDemo];

export const buildProgram = (io: CliIo) => buildLibProgram(io, LOCAL_COMMANDS);

/** Runs the command line and returns its exit code. */
export const run = (argv: readonly string[], io?: CliIo) => runLib(argv, io, LOCAL_COMMANDS);
