import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { MANIFEST_FILE, Manifest } from '../domain/evidence/manifest.js';

/** What a package directory holds: regular files by package path, and what is not a regular file. */
export interface PackageDirectory {
  readonly files: Map<string, Uint8Array>;
  /** Symlinks, sockets, ...: never part of a package; verify reports them. */
  readonly irregular: string[];
}

/** Reads every file under `dir` (recursively), by forward-slash path relative to `dir`. */
export function readPackageDirectory(dir: string): PackageDirectory {
  const files = new Map<string, Uint8Array>();
  const irregular: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(path, new Uint8Array(readFileSync(full)));
      else irregular.push(path);
    }
  };
  walk(dir);
  return { files, irregular };
}

/** Why a directory cannot receive a package, or undefined when it can. */
export function destinationProblem(dir: string, force: boolean): string | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(dir);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return 'exists and is not a directory';
  const { files, irregular } = readPackageDirectory(dir);
  if (files.size === 0 && irregular.length === 0) return undefined;
  if (!force) return 'is not empty (use --force to replace an earlier evidence package there)';
  const manifest = previousManifest(files);
  if (!manifest) return 'is not empty and holds no evidence package (--force only replaces a package)';
  const known = new Set([MANIFEST_FILE, ...manifest.files.map((f) => f.path)]);
  const foreign = [...files.keys(), ...irregular].filter((p) => !known.has(p));
  if (foreign.length > 0) {
    return `holds files that are not part of its evidence package (${foreign.slice(0, 3).join(', ')}); --force never deletes them`;
  }
  return undefined;
}

function previousManifest(files: ReadonlyMap<string, Uint8Array>): Manifest | undefined {
  const raw = files.get(MANIFEST_FILE);
  if (!raw) return undefined;
  try {
    const parsed = Manifest.safeParse(JSON.parse(new TextDecoder().decode(raw)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a package into `dir`: first into a fresh sibling directory, then renamed into place, so a
 * failure half-way never leaves a partial package where `dir` is. An earlier package at `dir`
 * (checked by destinationProblem) is removed file by file first, never anything else.
 */
export function writePackageDirectory(dir: string, files: ReadonlyMap<string, Uint8Array>): void {
  mkdirSync(dirname(dir), { recursive: true });
  const staging = `${dir}.partial-${process.pid}-${Date.now()}`;
  try {
    for (const [path, data] of files) {
      const target = join(staging, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data, { flag: 'wx' });
    }
    removeEarlierPackage(dir);
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function removeEarlierPackage(dir: string): void {
  let exists = true;
  try {
    lstatSync(dir);
  } catch {
    exists = false;
  }
  if (!exists) return;
  const { files } = readPackageDirectory(dir);
  const manifest = previousManifest(files);
  for (const path of [...(manifest?.files.map((f) => f.path) ?? []), ...(manifest ? [MANIFEST_FILE] : [])]) {
    rmSync(join(dir, ...path.split('/')), { force: true });
  }
  // Only empty directories are left now; rmdir refuses anything else.
  const dirs = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => [...dirs(join(at, e.name)), join(at, e.name)]);
  for (const d of dirs(dir)) rmdirSync(d);
  rmdirSync(dir);
}
