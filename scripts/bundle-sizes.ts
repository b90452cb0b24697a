/**
 * Bundles every function the way the CDK app does (esbuild, NhiFunction's options), prints each
 * bundle's size against its budget (infra/bundle-budgets.ts) and what it is made of (esbuild's
 * metafile), and exits 1 when any bundle exceeds its budget. CI runs it.
 *
 *   npm run bundle-sizes              # check
 *   npm run bundle-sizes -- --write   # check, and rewrite docs/bundle-sizes.md
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_BUDGET_BYTES, BUNDLE_TARGET_BYTES } from '../infra/bundle-budgets.js';
import { REPO_ROOT } from '../infra/config.js';
import { BUNDLE_OPTIONS, RUNTIME } from '../infra/constructs/nhi-function.js';
import { bundleFunctions, composition, overBudget } from './lib/bundle-functions.js';

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'nhi-gov-bundles-'));
  try {
    const bundles = await bundleFunctions(out);
    const sizes = [
      '| function | handler | bundle (minified ESM) | bytes | budget | within | ≤ 500 KB (#16) |',
      '|---|---|---:|---:|---:|---|---|',
      ...bundles.map((b) => {
        const budget = BUNDLE_BUDGET_BYTES[b.id];
        const target =
          b.bytes <= BUNDLE_TARGET_BYTES ? 'yes' : `**no** (+${kib(b.bytes - BUNDLE_TARGET_BYTES)})`;
        return `| ${b.id} | \`${b.entry}\` | ${kib(b.bytes)} | ${b.bytes.toLocaleString('en-US')} | ${kib(budget)} | ${b.bytes <= budget ? 'yes' : '**no**'} | ${target} |`;
      }),
    ].join('\n');
    const parts = [
      '| function | largest parts (KiB) |',
      '|---|---|',
      ...bundles.map(
        (b) =>
          `| ${b.id} | ${composition(b.metafile)
            .slice(0, 8)
            .map((c) => `${c.name} ${(c.bytes / 1024).toFixed(1)}`)
            .join(', ')} |`,
      ),
    ].join('\n');
    console.log(`${sizes}\n\n${parts}`);

    if (process.argv.includes('--write')) {
      const doc = `# Bundle sizes

Each function is bundled by the local esbuild with the options the CDK app uses
(\`infra/constructs/nhi-function.ts\`: ESM, target \`${BUNDLE_OPTIONS.target}\` for the
\`${RUNTIME.name}\` runtime, minified, the AWS SDK bundled rather than taken from the runtime, a
separate source map not counted here). 1 KiB is 1,024 bytes; issue #16's target, 500 KB, is 500,000
bytes (488.3 KiB). Budgets live in \`infra/bundle-budgets.ts\`; \`npm run
bundle-sizes\` fails when a bundle exceeds its budget, and CI runs it. Regenerate this page with
\`npm run bundle-sizes -- --write\`. What was cut, and the figures before and after:
[performance.md](performance.md).

${sizes}

What each bundle carries (esbuild metafile, bytes in the output):

${parts}
`;
      writeFileSync(join(REPO_ROOT, 'docs', 'bundle-sizes.md'), doc);
      console.log('\nwritten to docs/bundle-sizes.md');
    }

    const over = overBudget(bundles, BUNDLE_BUDGET_BYTES);
    for (const o of over) {
      console.error(
        `bundle-sizes: ${o.id} is ${kib(o.bytes)}, over its budget of ${kib(o.budget)} (infra/bundle-budgets.ts)`,
      );
    }
    return over.length > 0 ? 1 : 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

process.exitCode = await main();
