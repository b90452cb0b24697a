import { fileURLToPath } from 'node:url';
import { ValidationError } from '../domain/errors.js';
import { parsePolicy, readPolicyText } from '../domain/policy/parse.js';
import type { Policy } from '../domain/policy/schema.js';
import { loadPolicyJsonText, readPolicyFileText } from './policy-source.js';

/** The policy shipped in the repository, used when no other file is named. */
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../policy/default.yaml', import.meta.url));

/**
 * Reads and validates a policy file (YAML or JSON).
 * @throws ValidationError when the file cannot be read or has any problem (every problem is listed).
 */
export function loadPolicyFile(path: string = DEFAULT_POLICY_PATH): Policy {
  return parsePolicy(readPolicyFileText(path), path);
}

/**
 * The policy file's document as JSON text, for the Lambda bundles (read back by loadPolicyJsonFile
 * with the same validation and version). Validates first, so a bad policy fails the synth.
 * @throws ValidationError when the file cannot be read or has any problem.
 */
export function policyFileAsJson(path: string): string {
  const text = readPolicyFileText(path);
  const policy = parsePolicy(text, path);
  const json = JSON.stringify(readPolicyText(text, path));
  // YAML has values JSON has not (.inf, .nan): the functions must enforce exactly the file's policy.
  if (loadPolicyJsonText(json, path).version !== policy.version) {
    const message = 'holds values JSON cannot carry (such as .inf or .nan)';
    throw new ValidationError(`policy file ${path} ${message}`, [{ path, message }]);
  }
  return json;
}
