import { createHash } from 'node:crypto';
import { structureIssues } from '../bounds.js';
import { canonicalJson } from '../canonical-json.js';
import { ValidationError } from '../errors.js';
import { dottedPath, formatIssues, toIssues } from '../validation.js';
import { type Policy, PolicyFile } from './schema.js';

/**
 * Validates a policy document already read from its file (YAML or JSON) and computes its version.
 * Kept apart from the YAML reader so the Lambda bundles, which receive the policy as JSON, carry no
 * YAML parser.
 * @param source the file name, used in error messages.
 * @throws ValidationError listing every problem in the document, each with its path.
 */
export function policyFromDocument(data: unknown, source: string): Policy {
  const hostile = structureIssues(data);
  const result = PolicyFile.safeParse(data);
  if (hostile.length > 0 || !result.success) {
    const issues = [
      ...hostile.map((i) => ({ path: dottedPath(i.path), message: i.message })),
      ...(result.success ? [] : toIssues(result.error)),
    ];
    throw new ValidationError(
      `policy file ${source} has ${issues.length} problem(s): ${formatIssues(issues)}`,
      issues,
    );
  }
  const version = `sha256:${createHash('sha256').update(canonicalJson(result.data)).digest('hex')}`;
  return { document: result.data, version, source };
}
