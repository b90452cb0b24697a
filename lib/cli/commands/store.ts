import { readStoreState, stopLocalStore } from '../../adapters/dynamodb/shared-local-store.js';
import { EXIT } from '../io.js';
import { LOCAL_ENV, localHome, storeIdleSeconds } from '../local-store.js';
import { ExitCode } from '../main.js';
import type { RegisterCommand } from './index.js';

const HELP = `
The embedded store is one DynamoDB Local per local home (.nhi-gov/, or ${LOCAL_ENV.home}), shared by
every command that runs at the same time. On an interactive terminal it keeps running for
${LOCAL_ENV.storeIdleSeconds} seconds (default 900) after the last command, so the next command does
not pay the Java start; with CI set, or when stdin is not a terminal, it stops with the last command.
Its state is in .nhi-gov/store.json.

Examples:
  $ nhi-gov store status
  $ nhi-gov store stop
  $ ${LOCAL_ENV.storeIdleSeconds}=0 nhi-gov report findings   # stop the store when this command ends

Exit codes: 0 ok, 2 usage error, 3 the store is in use by another command (stop) or an unexpected error.`;

/** `nhi-gov store status|stop`: the embedded store that local commands share. */
export const registerStore: RegisterCommand = (program, io) => {
  const store = program
    .command('store')
    .description('the embedded DynamoDB Local that local commands share: status, stop')
    .addHelpText('after', HELP);

  store
    .command('status')
    .description('say whether the embedded store is running, where, and for how long it stays idle')
    .addHelpText('after', HELP)
    .action(() => {
      const home = localHome(io);
      const state = readStoreState(home);
      if (!state) {
        io.stdout.write(`No store running for ${home}.\n`);
        return;
      }
      const idle =
        state.idleSeconds === 0 ? 'stops with the last command' : `stops after ${state.idleSeconds} s idle`;
      io.stdout.write(
        `Store running for ${home}: DynamoDB Local pid ${state.pid} at ${state.endpoint}, started ${state.startedAt}, ${idle}.\n`,
      );
    });

  store
    .command('stop')
    .description('stop the embedded store now (refused while another command uses it)')
    .addHelpText('after', HELP)
    .action(async () => {
      const home = localHome(io);
      storeIdleSeconds(io); // a malformed NHI_GOV_STORE_IDLE_SECONDS is an error here too
      const result = await stopLocalStore(home);
      if (result.status === 'in-use') {
        io.stderr.write(
          `nhi-gov: the store for ${home} is in use by ${result.commands} command(s); try again when they end\n`,
        );
        throw new ExitCode(EXIT.refused);
      }
      io.stdout.write(
        result.status === 'stopped' ? `Stopped the store for ${home}.\n` : `No store running for ${home}.\n`,
      );
    });
};
