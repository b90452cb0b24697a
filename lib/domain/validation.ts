import type * as z from 'zod';
import { structureIssues } from './bounds.js';
import { type Issue, ValidationError } from './errors.js';

/** Turns zod issues into `{ path, message }` pairs with dotted paths (`identity.name`, `tags[0]`). */
export function toIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((issue) => ({ path: dottedPath(issue.path, prefix), message: issue.message }));
}

/** `identity.name`, `tags[0]`; `(root)` for the value itself. */
export function dottedPath(parts: readonly PropertyKey[], prefix = ''): string {
  const path = parts.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    const key = String(part);
    return acc ? `${acc}.${key}` : key;
  }, prefix);
  return path || '(root)';
}

/** One line per issue, for error messages and the command line. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/**
 * Parses `input` with `schema` or throws a ValidationError that lists every problem.
 * @throws ValidationError naming each invalid field.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const hostile = structureIssues(input);
  if (hostile.length > 0) {
    const issues = hostile.map((i) => ({ path: dottedPath(i.path), message: i.message }));
    throw new ValidationError(`invalid ${what}: ${formatIssues(issues)}`, issues);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  throw new ValidationError(`invalid ${what}: ${formatIssues(issues)}`, issues);
}
