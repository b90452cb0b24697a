import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../domain/errors.js';
import { parsePolicy } from '../domain/policy/parse.js';
import type { Policy } from '../domain/policy/schema.js';

/** The policy shipped in the repository, used when no other file is named. */
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../policy/default.yaml', import.meta.url));

/**
 * Reads and validates a policy file.
 * @throws ValidationError when the file cannot be read or has any problem (every problem is listed).
 */
export function loadPolicyFile(path: string = DEFAULT_POLICY_PATH): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new ValidationError(`cannot read policy file ${path}: ${reason}`, [{ path, message: reason }], {
      cause,
    });
  }
  return parsePolicy(text, path);
}
