import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliIo } from './io.js';
import { UsageError } from './io.js';

/** An output file checked before any work: the place to write to, and the flag that named it. */
export interface OutputTarget {
  readonly path: string;
  readonly flag: string;
}

/**
 * Checks, before anything is read or written, that `-o`/`--output` names a file this process can
 * write: not a directory, not read-only, in a directory that exists or can be created. A command
 * that would only find out after it stored its results would leave a half-done run behind.
 * @throws UsageError naming the flag, the path and the reason.
 */
export function checkOutputPath(io: CliIo, flag: string, file: string): OutputTarget {
  const path = resolve(io.cwd, file);
  const refuse = (reason: string): never => {
    throw new UsageError(`${flag} ${file}: ${reason}`);
  };
  const existing = statOrUndefined(path);
  if (existing?.isDirectory()) refuse('is a directory, not a file');
  if (existing) {
    if (!writable(path)) refuse('is not writable');
    return { path, flag };
  }
  // The nearest existing ancestor must be a directory we may create the rest in.
  let dir = dirname(path);
  for (;;) {
    const stat = statOrUndefined(dir);
    if (stat) {
      if (!stat.isDirectory()) refuse(`${dir} is not a directory`);
      if (!writable(dir)) refuse(`cannot create files in ${dir}`);
      return { path, flag };
    }
    const parent = dirname(dir);
    if (parent === dir) refuse('no existing directory to write it in');
    dir = parent;
  }
}

/** Writes the output to a target checked with `checkOutputPath` (creating missing directories). */
export function writeOutputFile(io: CliIo, target: OutputTarget, text: string): void {
  try {
    mkdirSync(dirname(target.path), { recursive: true });
    writeFileSync(target.path, text);
  } catch (cause) {
    throw new UsageError(`${target.flag} ${target.path}: ${(cause as Error).message}`, { cause });
  }
  if (io.stderr.isTTY) io.stderr.write(`wrote ${target.path}\n`);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
