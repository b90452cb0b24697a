import { readFileSync } from 'node:fs';
import { ValidationError } from '../domain/errors.js';
import { policyFromDocument } from '../domain/policy/document.js';
import type { Policy } from '../domain/policy/schema.js';

/**
 * Reads a policy file's text.
 * @throws ValidationError naming the file when it cannot be read.
 */
export function readPolicyFileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new ValidationError(`cannot read policy file ${path}: ${reason}`, [{ path, message: reason }], {
      cause,
    });
  }
}

/**
 * Reads and validates the policy a Lambda function carries in its bundle: the policy file's document
 * as JSON, written at synth time (infra/constructs/nhi-function.ts), so the function needs no YAML
 * parser (this module imports none: lib/config/policy-file.ts is the YAML reader). Same validation and
 * same version hash as the YAML file it came from.
 * @throws ValidationError when the file cannot be read, is not JSON, or has any policy problem.
 */
export function loadPolicyJsonFile(path: string): Policy {
  return loadPolicyJsonText(readPolicyFileText(path), path);
}

/**
 * Validates a policy document given as JSON text (see loadPolicyJsonFile).
 * @throws ValidationError when the text is not JSON or has any policy problem.
 */
export function loadPolicyJsonText(text: string, path: string): Policy {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    const reason = (cause as Error).message;
    throw new ValidationError(
      `policy file ${path} is not valid JSON: ${reason}`,
      [{ path, message: reason }],
      {
        cause,
      },
    );
  }
  return policyFromDocument(data, path);
}
