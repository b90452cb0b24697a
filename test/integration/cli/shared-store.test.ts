import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireLocalStore,
  readStoreState,
  stopLocalStore,
} from '../../../lib/adapters/dynamodb/shared-local-store.js';
import { runCli } from '../../support/cli.js';

// The embedded store as local commands use it: no NHI_GOV_DYNAMODB_ENDPOINT, so each test starts
// real DynamoDB Local processes under its own home, and stops every one of them.
const NOW = '2026-03-01T00:00:00Z';
const GAAD = join(import.meta.dirname, '../../../examples/acme-gaad.json');
const REPORT = join(import.meta.dirname, '../../../examples/acme-credential-report.csv');

/** Java processes serving this home's database (its path is unique to the test). */
function javaFor(home: string): number[] {
  const found = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*${join(home, 'data')}`], { encoding: 'utf8' });
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (condition()) return true;
  }
  return condition();
}

describe('the local store shared by commands', { timeout: 240_000 }, () => {
  let cwd: string;
  let home: string;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'nhi-gov-shared-store-'));
    home = join(cwd, '.nhi-gov');
  });

  afterEach(async () => {
    await stopLocalStore(home);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('runs two commands at once on one store: both succeed, one Java, nothing left running', async () => {
    // Arrange: not a terminal, so the store stops with the last command (as in CI and scripts).
    const env = { NHI_GOV_HOME: home };
    const scan = ['scan', '--gaad', GAAD, '--credential-report', REPORT, '--as-of', NOW, '--format', 'json'];
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, javaFor(home).length);
    }, 100);

    // Act
    const [first, second] = await Promise.all([
      runCli(scan, { env, cwd, now: NOW }),
      runCli(['report', 'findings', '--format', 'json'], { env, cwd, now: NOW }),
    ]);
    clearInterval(watch);

    // Assert
    expect(first.stderr).not.toMatch(/unexpected error/);
    expect(second.stderr).not.toMatch(/unexpected error/);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(most).toBe(1);
    expect(readStoreState(home)).toBeUndefined();
    expect(javaFor(home)).toEqual([]);
    expect(readdirSync(join(home, 'leases'))).toEqual([]);
  });

  it('keeps the store for the next command when idle seconds are set, and `store stop` ends it', async () => {
    // Arrange
    const env = { NHI_GOV_HOME: home, NHI_GOV_STORE_IDLE_SECONDS: '600' };
    const first = await runCli(['report', 'findings'], { env, cwd, now: NOW });
    const started = readStoreState(home);

    // Act
    const second = await runCli(['report', 'findings'], { env, cwd, now: NOW });
    const joined = readStoreState(home);
    const status = await runCli(['store', 'status'], { env, cwd, now: NOW });
    const stop = await runCli(['store', 'stop'], { env, cwd, now: NOW });

    // Assert
    expect([first.code, second.code, status.code, stop.code]).toEqual([0, 0, 0, 0]);
    expect(started?.idleSeconds).toBe(600);
    expect(joined?.pid).toBe(started?.pid);
    expect(status.stdout).toContain(`DynamoDB Local pid ${started?.pid}`);
    expect(stop.stdout).toContain('Stopped the store');
    expect(alive(started?.pid ?? -1)).toBe(false);
    expect(existsSync(join(home, 'store.json'))).toBe(false);
    expect(javaFor(home)).toEqual([]);
  });

  it('stops the store when the command using it dies without leaving (the keeper)', async () => {
    // Arrange: a lease whose command vanishes (its lease file removed, as a dead pid's would be ignored).
    const lease = await acquireLocalStore({ home, idleSeconds: 0 });
    const state = readStoreState(home);
    for (const name of readdirSync(join(home, 'leases'))) rmSync(join(home, 'leases', name));

    // Act: nobody releases; the keeper sees no live command.
    const stopped = await until(() => !alive(state?.pid ?? -1), 30_000);

    // Assert
    expect(lease.started).toBe(true);
    expect(stopped).toBe(true);
    expect(await until(() => readStoreState(home) === undefined, 5_000)).toBe(true);
    expect(await until(() => !alive(state?.keeperPid ?? -1), 5_000)).toBe(true);
  });

  it('refuses a malformed NHI_GOV_STORE_IDLE_SECONDS with exit 2, naming it, and starts nothing', async () => {
    // Act
    const result = await runCli(['report', 'findings'], {
      env: { NHI_GOV_HOME: home, NHI_GOV_STORE_IDLE_SECONDS: '10m' },
      cwd,
      now: NOW,
    });

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'nhi-gov: NHI_GOV_STORE_IDLE_SECONDS=10m is not a whole number of seconds (0 stops the store with the last command)\n',
    );
    expect(readStoreState(home)).toBeUndefined();
    expect(javaFor(home)).toEqual([]);
  });
});
