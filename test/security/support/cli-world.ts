import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentClient, localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { type CliRun, localCliEnv, runCli } from '../../support/cli.js';
import { snapshotTables, type TableSnapshot } from '../../support/table-snapshot.js';

export const FUZZ_NOW = '2026-03-02T09:00:00.000Z';

/** The command line in-process on its own tables and working directory, with a table snapshot. */
export interface CliWorld {
  readonly dir: string;
  cli(...argv: string[]): Promise<CliRun>;
  snapshot(): Promise<TableSnapshot>;
  close(): void;
}

export function cliWorld(name: string): CliWorld {
  const dir = mkdtempSync(join(tmpdir(), `nhi-gov-${name}-`));
  const env = localCliEnv(name);
  const client = localDynamoClient(env.NHI_GOV_DYNAMODB_ENDPOINT);
  const doc = documentClient(client);
  const names = localTableNames(env.NHI_GOV_TABLE_PREFIX);
  const snapshot = () => snapshotTables(doc, names);
  return {
    dir,
    cli: (...argv) => runCli(argv, { env, cwd: dir, now: FUZZ_NOW }),
    snapshot,
    close: () => {
      client.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
