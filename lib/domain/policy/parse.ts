import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import { ValidationError } from '../errors.js';
import { formatIssues, toIssues } from '../validation.js';
import { type Policy, PolicyFile } from './schema.js';

/** Canonical JSON (sorted keys) so the hash does not change with formatting or key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Parses a policy file's text (YAML or JSON, which is YAML too).
 * @param source the file name, used in error messages.
 * @throws ValidationError listing every problem in the file, each with its path.
 */
export function parsePolicy(text: string, source: string): Policy {
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
  const result = PolicyFile.safeParse(doc.toJS());
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new ValidationError(
      `policy file ${source} has ${issues.length} problem(s): ${formatIssues(issues)}`,
      issues,
    );
  }
  const version = `sha256:${createHash('sha256').update(canonical(result.data)).digest('hex')}`;
  return { document: result.data, version, source };
}
