/**
 * Bundles every function the way the CDK app does (esbuild, the same options as NhiFunction) and
 * prints the size of each bundle; writes the table into docs/bundle-sizes.md.
 *
 *   npm run bundle-sizes
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { REPO_ROOT } from '../infra/config.js';
import { BUNDLE_OPTIONS, RUNTIME } from '../infra/constructs/nhi-function.js';
import { FUNCTION_ENTRIES, type FunctionId } from '../lib/config/functions.js';

interface Row {
  readonly id: FunctionId;
  readonly entry: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'nhi-gov-bundles-'));
  const rows: Row[] = [];
  try {
    for (const [id, entry] of Object.entries(FUNCTION_ENTRIES) as [FunctionId, string][]) {
      const outfile = join(out, id, 'index.mjs');
      await build({
        entryPoints: [join(REPO_ROOT, entry)],
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
        logLevel: 'error',
      });
      const code = readFileSync(outfile);
      rows.push({ id, entry, bytes: statSync(outfile).size, gzipBytes: gzipSync(code).length });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const table = [
    '| function | handler | bundle (minified ESM) | gzip |',
    '|---|---|---:|---:|',
    ...rows.map((r) => `| ${r.id} | \`${r.entry}\` | ${kib(r.bytes)} | ${kib(r.gzipBytes)} |`),
  ].join('\n');
  console.log(table);

  const doc = `# Bundle sizes

Each function is bundled by the local esbuild with the options the CDK app uses
(\`infra/constructs/nhi-function.ts\`: ESM, target \`${BUNDLE_OPTIONS.target}\` for the
\`${RUNTIME.name}\` runtime, minified, the AWS SDK bundled rather than taken from the runtime, a
separate source map not counted here). Regenerate with \`npm run bundle-sizes\`.

${table}
`;
  writeFileSync(join(REPO_ROOT, 'docs', 'bundle-sizes.md'), doc);
  console.log('\nwritten to docs/bundle-sizes.md');
}

await main();
