import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY_PATH, policyFileAsJson } from '../../lib/config/policy-file.js';

let written: string | undefined;

/**
 * The repository's default policy as the JSON file a deployed function carries in its bundle (what
 * infra writes at synth time), for tests that point POLICY_FILE at it. One file per test worker,
 * removed when the worker exits.
 */
export function defaultPolicyJsonFile(): string {
  if (written) return written;
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-policy-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  written = join(dir, 'policy.json');
  writeFileSync(written, policyFileAsJson(DEFAULT_POLICY_PATH));
  return written;
}
