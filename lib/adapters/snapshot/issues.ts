import type { Issue } from '../../domain/errors.js';
import { ValidationError } from '../../domain/errors.js';

const SHOWN = 20;

/**
 * A ValidationError for a malformed input file: the message names each bad place (the first
 * twenty, then a count), `issues` holds them all.
 */
export function issuesError(what: string, issues: readonly Issue[]): ValidationError {
  const shown = issues
    .slice(0, SHOWN)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > SHOWN ? `; and ${issues.length - SHOWN} more` : '';
  return new ValidationError(`invalid ${what}: ${shown}${more}`, issues);
}
