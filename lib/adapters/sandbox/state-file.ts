import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where a sandbox keeps one service's state: a file (the CLI) or memory (tests, the soak). */
export interface StateStore<T> {
  /** The current state; undefined when nothing was ever saved. */
  load(): T | undefined;
  save(state: T): void;
}

/**
 * Writes `text` to `path` atomically: a temporary file beside it, then a rename, so a reader (or a
 * crash) sees the old file or the new one, never half of one. `secret` files are readable by their
 * owner only.
 */
export function writeFileAtomic(path: string, text: string, options: { secret?: boolean } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: options.secret ? 0o600 : 0o644 });
    if (options.secret) chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * A JSON state file. Reads and writes are synchronous on purpose: a call's read-change-write never
 * interleaves with another call of the same process.
 */
export class JsonFileState<T> implements StateStore<T> {
  constructor(
    readonly path: string,
    private readonly options: { secret?: boolean; afterSave?: (state: T) => void } = {},
  ) {}

  load(): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text) as T;
  }

  save(state: T): void {
    writeFileAtomic(this.path, `${JSON.stringify(state, null, 1)}\n`, this.options);
    this.options.afterSave?.(state);
  }
}

/** State kept in memory (a deep copy per save, so callers cannot change it behind the store's back). */
export class MemoryState<T> implements StateStore<T> {
  private state: string | undefined;
  constructor(initial?: T) {
    if (initial !== undefined) this.state = JSON.stringify(initial);
  }
  load(): T | undefined {
    return this.state === undefined ? undefined : (JSON.parse(this.state) as T);
  }
  save(state: T): void {
    this.state = JSON.stringify(state);
  }
}
