/**
 * Bundles the suite's functions the way the CDK app does (esbuild with NhiFunction's options, aliases
 * included), with esbuild's metafile, for the size check and the cold-load benchmark.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { REPO_ROOT } from '../../infra/config.js';
import { BUNDLE_OPTIONS } from '../../infra/constructs/nhi-function.js';
import { FUNCTION_ENTRIES, type FunctionId } from '../../lib/config/functions.js';

export interface FunctionBundle {
  readonly id: FunctionId;
  readonly entry: string;
  /** The bundle file (`<outDir>/<id>/index.mjs`). */
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

/** esbuild options for one entry point, exactly as NhiFunction bundles it. */
export function bundleOptions(entry: string, outfile: string): BuildOptions & { metafile: true } {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: BUNDLE_OPTIONS.format,
    platform: BUNDLE_OPTIONS.platform,
    target: BUNDLE_OPTIONS.target,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    minify: BUNDLE_OPTIONS.minify,
    sourcemap: BUNDLE_OPTIONS.sourcemap,
    sourcesContent: BUNDLE_OPTIONS.sourcesContent,
    banner: { js: BUNDLE_OPTIONS.banner },
    external: [...BUNDLE_OPTIONS.external],
    alias: { ...BUNDLE_OPTIONS.alias },
    metafile: true,
    logLevel: 'error',
  };
}

/** Bundles every function (or the ones named) into `<outDir>/<id>/index.mjs`. */
export async function bundleFunctions(
  outDir: string,
  ids: readonly FunctionId[] = Object.keys(FUNCTION_ENTRIES) as FunctionId[],
): Promise<FunctionBundle[]> {
  const bundles: FunctionBundle[] = [];
  for (const id of ids) {
    const entry = FUNCTION_ENTRIES[id];
    const file = join(outDir, id, 'index.mjs');
    const result = await build(bundleOptions(join(REPO_ROOT, entry), file));
    bundles.push({ id, entry, file, bytes: statSync(file).size, metafile: result.metafile as Metafile });
  }
  return bundles;
}

/** Bytes of the bundle per npm package (or per top-level source folder for the project's own code). */
export function composition(metafile: Metafile): { name: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
    const name = pkg ?? `${path.split('/').slice(0, 2).join('/')}/ (project)`;
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The functions whose bundle exceeds its budget, with both figures. */
export function overBudget(
  bundles: readonly Pick<FunctionBundle, 'id' | 'bytes'>[],
  budgets: Readonly<Record<FunctionId, number>>,
): { id: FunctionId; bytes: number; budget: number }[] {
  return bundles
    .map((b) => ({ id: b.id, bytes: b.bytes, budget: budgets[b.id] }))
    .filter((b) => b.bytes > b.budget);
}
