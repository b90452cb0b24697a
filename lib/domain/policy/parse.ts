import { parseDocument } from 'yaml';
import { ValidationError } from '../errors.js';
import { formatIssues } from '../validation.js';
import { policyFromDocument } from './document.js';
import type { Policy } from './schema.js';

/**
 * Reads a policy file's text (YAML or JSON, which is YAML too) into a plain document, unvalidated.
 * @param source the file name, used in error messages.
 * @throws ValidationError listing every syntax error with its line and column.
 */
export function readPolicyText(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      path: e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(syntax)',
      message: e.message.split('\n')[0] ?? e.message,
    }));
    throw new ValidationError(
      `policy file ${source} is not valid YAML/JSON: ${formatIssues(issues)}`,
      issues,
    );
  }
  try {
    // yaml refuses alias bombs (and other resource exhaustion) by throwing here: still invalid input.
    return doc.toJS();
  } catch (cause) {
    const message = (cause as Error).message ?? String(cause);
    throw new ValidationError(
      `policy file ${source} cannot be read: ${message}`,
      [{ path: '(root)', message }],
      {
        cause,
      },
    );
  }
}

/**
 * Parses a policy file's text (YAML or JSON, which is YAML too).
 * @param source the file name, used in error messages.
 * @throws ValidationError listing every problem in the file, each with its path.
 */
export function parsePolicy(text: string, source: string): Policy {
  return policyFromDocument(readPolicyText(text, source), source);
}
