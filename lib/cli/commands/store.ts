import { readStoreState, stopLocalStore } from '../../adapters/dynamodb/shared-local-store.js';
import { EXIT, ExitCode } from '../io.js';
import { LOCAL_ENV, localHome, storeIdleSeconds } from '../local-store.js';
import { addOutputOptions, deliverOutput, formatOf } from '../options.js';
import { renderJson } from '../output.js';
import type { RegisterCommand } from './register.js';

const STORE_FORMATS = ['table', 'json'] as const;

const HELP = `
The embedded store is one DynamoDB Local per local home (.nhi-gov/, or ${LOCAL_ENV.home}), shared by
every command that runs at the same time. On an interactive terminal it keeps running for
${LOCAL_ENV.storeIdleSeconds} seconds (default 900) after the last command, so the next command does
not pay the Java start; with CI set, or when stdin is not a terminal, it stops with the last command.
Its state is in .nhi-gov/store.json. While it runs it listens on every network interface (docs/cli.md).

Examples:
  $ nhi-gov store status
  $ nhi-gov store status --format json
  $ nhi-gov store stop
  $ ${LOCAL_ENV.storeIdleSeconds}=0 nhi-gov report findings   # stop the store when this command ends

Exit codes: 0 ok, 2 usage error, 3 the store is in use by another command (stop) or an unexpected error.`;

interface StoreOptions {
  readonly format?: string;
  readonly output?: string;
}

/** `nhi-gov store status|stop`: the embedded store that local commands share. */
export const registerStore: RegisterCommand = (program, io) => {
  const store = program
    .command('store')
    .description('the embedded DynamoDB Local that local commands share: status, stop')
    .addHelpText('after', HELP);

  addOutputOptions(
    store
      .command('status')
      .description('say whether the embedded store is running, where, and how long it stays idle'),
    STORE_FORMATS,
  )
    .addHelpText('after', HELP)
    .action((opts: StoreOptions) => {
      const format = formatOf(opts.format, 'nhi-gov store status', STORE_FORMATS);
      const home = localHome(io);
      const state = readStoreState(home);
      const idle = !state
        ? ''
        : state.idleSeconds === 0
          ? 'stops with the last command'
          : `stops after ${state.idleSeconds} s idle`;
      const text = state
        ? `Store running for ${home}: DynamoDB Local pid ${state.pid} at ${state.endpoint}, started ${state.startedAt}, ${idle}.\n`
        : `No store running for ${home}.\n`;
      const json = { home, running: state !== undefined, ...(state ? { store: state } : {}) };
      deliverOutput(io, format === 'json' ? renderJson(json) : text, opts.output);
    });

  addOutputOptions(
    store.command('stop').description('stop the embedded store now (refused while another command uses it)'),
    STORE_FORMATS,
  )
    .addHelpText('after', HELP)
    .action(async (opts: StoreOptions) => {
      const format = formatOf(opts.format, 'nhi-gov store stop', STORE_FORMATS);
      const home = localHome(io);
      storeIdleSeconds(io); // a malformed NHI_GOV_STORE_IDLE_SECONDS is an error here too
      const result = await stopLocalStore(home);
      if (result.status === 'in-use') {
        io.stderr.write(
          `nhi-gov: the store for ${home} is in use by ${result.commands} command(s); try again when they end\n`,
        );
        throw new ExitCode(EXIT.refused);
      }
      const text =
        result.status === 'stopped' ? `Stopped the store for ${home}.\n` : `No store running for ${home}.\n`;
      deliverOutput(io, format === 'json' ? renderJson({ home, ...result }) : text, opts.output);
    });
};
