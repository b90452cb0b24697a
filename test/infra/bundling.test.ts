import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  ESM_BANNER,
  POLICY_FILE_IN_BUNDLE,
  POLICY_FILE_RUNTIME_PATH,
} from '../../infra/constructs/nhi-function.js';
import { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { FUNCTION_ENTRIES } from '../../lib/config/functions.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { loadPolicyJsonFile } from '../../lib/config/policy-source.js';
import { config, testApp } from './support/synth.js';

// One real synth with bundling: every function bundled by the local esbuild (no Docker), ESM with the
// createRequire banner, the policy copied into the bundles that read it.
// CDK writes "Bundling asset <path>..." to stderr for every asset, unconditionally; the suite's output
// stays clean (docs/testing.md), so that line is kept out of it while the bundled stack is built.
// Anything else written to stderr meanwhile (an esbuild warning or error) still goes through.
const bundlingLines: string[] = [];
const { template, assembly } = (() => {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (/^Bundling asset \S+\.\.\.\s*$/.test(text)) {
      bundlingLines.push(text);
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    const app = testApp({}, { bundle: true });
    // Security Hub on, so every function of FUNCTION_ENTRIES is in the stack (its export is opt-in).
    const stack = new NhiGovStack(app, 'Bundled', { config: config({ 'nhi-gov:securityHub': true }) });
    return { template: Template.fromStack(stack), assembly: app.synth() };
  } finally {
    process.stderr.write = write;
  }
})();

describe('bundling', () => {
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
  const assetDir = (props: { Code: { S3Key: string } }) =>
    join(assembly.directory, `asset.${props.Code.S3Key.replace(/\.zip$/, '')}`);

  it('bundles every handler as ESM for the Node.js runtime, with the createRequire banner', () => {
    expect(functions).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
    // One "Bundling asset" line per function was held back from the output (none lost, none extra).
    expect(bundlingLines).toHaveLength(functions.length);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs24.x');
      expect(fn.Properties.Handler, id).toBe('index.handler');
      const dir = assetDir(fn.Properties);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_BANNER), id).toBe(true);
      expect(code, id).toMatch(/export\s*\{[^}]*\bhandler\b/);
      // Lean bundles (docs/performance.md): no YAML parser, no X-Ray SDK, no zod locale but English.
      expect(code, id).not.toContain('YAMLParseError');
      expect(code, id).not.toContain('AWS_XRAY_CONTEXT_MISSING');
      expect(code, id).not.toContain('Zu groß');
      // The esbuild aliases reach the CDK bundles: no SSO/ini credential chain, no event-stream serde.
      expect(code, id).not.toContain('Skipping SSO provider in default chain');
      expect(code, id).toContain('event streams are not bundled into nhi-gov functions');
      expect(code, id).toContain('DynamoDB endpoint discovery is not bundled into nhi-gov functions');
    }
  });

  it('ships the policy file as JSON (same document, same version) to the bundles that read it', () => {
    const withPolicy = functions.filter(([, fn]) => fn.Properties.Environment.Variables.POLICY_FILE);
    const services = withPolicy
      .map(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME)
      .sort();
    expect(services).toEqual([
      'nhi-gov-evidence',
      'nhi-gov-governance-api',
      'nhi-gov-governance-callback',
      'nhi-gov-governance-events',
      'nhi-gov-governance-task',
      'nhi-gov-scan',
    ]);
    for (const [id, fn] of withPolicy) {
      expect(fn.Properties.Environment.Variables.POLICY_FILE).toBe(POLICY_FILE_RUNTIME_PATH);
      const dir = assetDir(fn.Properties);
      const shipped = loadPolicyJsonFile(join(dir, POLICY_FILE_IN_BUNDLE));
      const file = loadPolicyFile(config().policyFile);
      expect(shipped.version, id).toBe(file.version);
      expect(shipped.document, id).toEqual(file.document);
    }
    for (const [id, fn] of functions.filter(([, f]) => !f.Properties.Environment.Variables.POLICY_FILE)) {
      expect(existsSync(join(assetDir(fn.Properties), POLICY_FILE_IN_BUNDLE)), id).toBe(false);
      expect(readdirSync(assetDir(fn.Properties)).sort(), id).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });
});
