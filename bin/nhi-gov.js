#!/usr/bin/env node
// The nhi-gov command line. Runs the TypeScript sources through tsx, so a fresh clone needs no build.
import { register } from 'tsx/esm/api';

// The SDK warns on every start that its 2027 releases will need Node 22; nothing the user can act on here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { run } = await import('../lib/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
