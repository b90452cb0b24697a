import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root, for tests that read the source tree. */
export const REPO_ROOT = join(import.meta.dirname, '../..');

/** One file of a one-unit-per-file folder: its unit's name (the file name) and its exports. */
export interface UnitFile {
  readonly file: string;
  readonly name: string;
  readonly exports: unknown[];
}

/**
 * Every `.ts` file of a folder under the repository root except the named support files (an index,
 * shared types), loaded as the runtime sees them, sorted by name.
 */
export async function unitFiles(folder: string, support: readonly string[]): Promise<UnitFile[]> {
  const dir = join(REPO_ROOT, folder);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !support.includes(f))
    .sort();
  return Promise.all(
    files.map(async (file) => ({
      file,
      name: basename(file, '.ts'),
      exports: Object.values(await import(pathToFileURL(join(dir, file)).href)),
    })),
  );
}
