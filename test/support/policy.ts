import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_POLICY_PATH, policyFileAsJson } from '../../lib/config/policy-file.js';

let written: string | undefined;

/**
 * The repository's default policy as the JSON file a deployed function carries in its bundle (what
 * infra writes at synth time), for tests that point POLICY_FILE at it (also from `vi.hoisted`). One
 * file per test file, removed after it by test/support/setup.ts.
 */
export function defaultPolicyJsonFile(): string {
  if (written) return written;
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-policy-'));
  written = join(dir, 'policy.json');
  writeFileSync(written, policyFileAsJson(DEFAULT_POLICY_PATH));
  return written;
}

/** Removes the file defaultPolicyJsonFile wrote, if any. */
export function removeDefaultPolicyJsonFile(): void {
  if (written) rmSync(dirname(written), { recursive: true, force: true });
  written = undefined;
}
