import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../../lib/adapters/dynamodb/create-tables.js';
import {
  assertJava,
  JavaUnavailableError,
  startLocalDynamo,
} from '../../../../lib/adapters/dynamodb/local-server.js';
import { localTableNames } from '../../../../lib/config/tables.js';
import { tempDir } from '../../../support/temp.js';

/** Running, and not a zombie waiting for a reaper (containers' pid 1 does not always reap). */
const isAlive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

/**
 * How long Java may take to start here: a loaded machine can take more than the command line's 30 s,
 * and how fast it starts is not what these tests check (the project's timeout is the safety net).
 */
const NO_DEADLINE = 10 * 60_000;

/**
 * Polls until `check` holds. No deadline of its own: how fast a loaded machine gets there is not the
 * question (the test project's timeout is only a safety net against a hang).
 */
async function waitUntil(check: () => boolean): Promise<true> {
  while (!check()) await new Promise((r) => setTimeout(r, 100));
  return true;
}

describe('startLocalDynamo', () => {
  it('persists tables in a data directory across restarts and stops Java on stop()', async () => {
    const dir = tempDir('nhi-gov-local-');
    try {
      const first = await startLocalDynamo({ dataDir: dir, startTimeoutMs: NO_DEADLINE });
      await ensureTables(localDynamoClient(first.endpoint), localTableNames('persist'));
      await first.stop();
      expect(isAlive(first.pid)).toBe(false);
      expect(readdirSync(dir).some((f) => f.endsWith('.db'))).toBe(true);

      const second = await startLocalDynamo({ dataDir: dir, startTimeoutMs: NO_DEADLINE });
      try {
        const tables = await localDynamoClient(second.endpoint).send(new ListTablesCommand({}));
        expect(tables.TableNames).toEqual(expect.arrayContaining(['persist-decisions', 'persist-findings']));
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no Java process behind when its Node process is killed with SIGKILL', async () => {
    // Arrange: a separate Node process that starts DynamoDB Local and never stops it
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/fixtures/start-local-dynamo.ts'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    expect(isAlive(pid)).toBe(true);
    // Act
    child.kill('SIGKILL');
    // Assert: the watchdog notices (it polls every second)
    expect(await waitUntil(() => !isAlive(pid))).toBe(true);
  });

  it('names the missing Java in one clear sentence', () => {
    expect(() => assertJava('java-that-does-not-exist')).toThrow(JavaUnavailableError);
    expect(() => assertJava('java-that-does-not-exist')).toThrow(
      /needs Java 17 or newer, and no "java-that-does-not-exist" was found on the PATH/,
    );
  });
});
