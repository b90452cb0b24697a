#!/usr/bin/env node
// The nhi-gov command line. Runs the bundle that `npm ci` builds (dist/cli/nhi-gov.mjs, see
// scripts/build-cli.mjs), so a start compiles no TypeScript. When a source file changed since that
// build, it rebuilds first (about a second); without esbuild (no dev dependencies) it runs the
// TypeScript sources through tsx instead.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The SDK warns on every start that its 2027 releases will need Node 22; nothing the user can act on here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`nhi-gov report findings | head`) closes the pipe: the rest of the output
// is dropped instead of crashing with an unhandled EPIPE, and the command still ends with its own exit
// code (a `--fail-on` gate piped into `head` must still fail under `set -o pipefail`).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error?.code !== 'EPIPE') throw error;
  });
}

const root = join(import.meta.dirname, '..');
const bundle = join(root, 'dist', 'cli', 'nhi-gov.mjs');

/** The bundle exists and no file it was built from changed since. */
function bundleIsFresh() {
  try {
    const inputs = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'inputs.json'), 'utf8'));
    for (const [file, mtime] of Object.entries(inputs)) {
      if (statSync(join(root, file)).mtimeMs !== mtime) return false;
    }
    statSync(bundle);
    return true;
  } catch {
    return false;
  }
}

async function loadCli() {
  if (bundleIsFresh()) return import(pathToFileURL(bundle).href);
  try {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    await buildCli();
    return import(pathToFileURL(bundle).href);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    const { register } = await import('tsx/esm/api');
    register();
    return import('../local/main.ts');
  }
}

const { run } = await loadCli();
process.exitCode = await run(process.argv.slice(2));
