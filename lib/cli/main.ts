import { Command, CommanderError } from 'commander';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { COMMANDS } from './commands/index.js';
import type { RegisterCommand } from './commands/register.js';
import { type CliIo, EXIT, ExitCode, processIo, UsageError } from './io.js';
import { checkOutputOption, examples } from './options.js';

// ExitCode lives in io.ts (a command importing main.ts would be a cycle); re-exported for composition roots.
export { ExitCode };

/**
 * The program with every command of lib/cli, plus `extra` commands from a composition root outside
 * lib/ (local/main.ts adds the local loop's `run`, `sandbox` and `demo`).
 */
export function buildProgram(io: CliIo, extra: readonly RegisterCommand[] = []): Command {
  const program = new Command('nhi-gov')
    .description(
      'Govern non-human identities in AWS: decide, execute, scan and report.\nLocal mode keeps its data in an embedded DynamoDB Local under .nhi-gov/.',
    )
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    // A command's options after one of its subcommands belong to the subcommand (`evidence -o` vs `evidence verify -o`).
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `${examples(
        'npm start                      # the whole loop on an example account (nhi-gov demo --fresh)',
        'nhi-gov scan --gaad gaad.json --credential-report report.csv',
        'nhi-gov report overview --format html -o nhi-gov.html',
        'nhi-gov request --as arn:aws:iam::111122223333:role/team-lead-alice --file request.json',
        'nhi-gov approve <id> --as arn:aws:iam::111122223333:role/security-approver-bob',
        'nhi-gov report findings --fail-on high   # CI gate',
      )}
Every command takes --help. Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input
error, 3 refused or unexpected error. See docs/cli.md.`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    });
  for (const register of [...COMMANDS, ...extra]) register(program, io);
  for (const sub of program.commands) sub.exitOverride();
  // Every input and output is checked before the first write: `-o` naming a directory fails here.
  // (`evidence` writes a package *directory* with -o and checks it itself: docs/evidence.md.)
  program.hook('preAction', (_program, action) => {
    if (action.name() !== 'evidence') checkOutputOption(io, action.opts().output);
  });
  return program;
}

/** Runs the command line and returns its exit code; prints errors as one line on stderr. */
export async function run(
  argv: readonly string[],
  io: CliIo = processIo(),
  extra: readonly RegisterCommand[] = [],
): Promise<number> {
  const program = buildProgram(io, extra);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitCode) return error.code;
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; commander has printed the rest already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof ValidationError || error instanceof NotFoundError) {
      io.stderr.write(`nhi-gov: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ForbiddenError) {
      io.stderr.write(`nhi-gov: refused: ${error.message}\n`);
      return EXIT.refused;
    }
    if (error instanceof AppError) {
      io.stderr.write(`nhi-gov: ${error.message}\n`);
      return error.code === 'JAVA_UNAVAILABLE' ? EXIT.usage : EXIT.internal;
    }
    io.stderr.write(`nhi-gov: unexpected error: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.internal;
  }
}
