import { ValidationError } from '../errors.js';
import { matchesAny } from '../patterns.js';
import {
  canonicalPrincipal,
  formatPrincipal,
  keyOf,
  type Principal,
  parsePrincipal,
  parsePrincipalPattern,
  principalKey,
  principalMatchesPattern,
  quoteInput,
  samePrincipal,
} from '../principal.js';

export { canonicalPrincipal, principalKey, samePrincipal };

/**
 * The principal governance itself acts as: the requester of system revokes (expiry, certification
 * sweeps) and the approver recorded on policy-based approvals (auto-approve rules, zero-approval
 * tiers, break-glass self-activation). Account 000000000000 does not exist, so it can never be a real
 * caller: every entry point refuses it (see {@link parseCaller}).
 */
export const SYSTEM_PRINCIPAL = 'arn:aws:iam::000000000000:role/nhi-gov-system';
const SYSTEM_ACCOUNT = '000000000000';

/**
 * Parses the authenticated caller of an entry point strictly (see lib/domain/principal.ts) and
 * refuses the reserved system account.
 * @param what the field or flag the ARN came from (`--as`, `caller`, `requester`), named in the error.
 * @returns the ARN as given.
 * @throws ValidationError naming `what` and the value.
 */
export function parseCaller(arn: unknown, what = 'caller'): string {
  const principal = parsePrincipal(arn, what);
  if (principal.account === SYSTEM_ACCOUNT)
    throw new ValidationError(
      `${what} ${quoteInput(arn)} is in account ${SYSTEM_ACCOUNT}, which is reserved for nhi-gov's own system principal`,
      [{ path: what, message: 'reserved account' }],
    );
  return arn as string;
}

/** The parsed principal, or undefined for anything malformed (never matches a pattern). */
function parsedOrUndefined(arn: string): Principal | undefined {
  try {
    return parsePrincipal(arn);
  } catch {
    return undefined;
  }
}

/**
 * True when a policy pattern list (approvers, break-glass or auto-approve requesters) gives the
 * caller power: identity-level matching (a session is its role, paths are not identity, names in any
 * case). With `accounts` (the policy's `accounts`), a `*` account in a pattern means one of those
 * accounts, never any account. A malformed ARN or pattern matches nothing.
 */
export function principalMatches(
  patterns: readonly string[],
  arn: string,
  accounts?: readonly string[],
): boolean {
  const principal = parsedOrUndefined(arn);
  if (!principal) return false;
  return patterns.some((raw) => {
    const pattern = parsePrincipalPattern(raw);
    return (
      typeof pattern !== 'string' && !pattern.hadPath && principalMatchesPattern(pattern, principal, accounts)
    );
  });
}

/** The first pattern of the list that gives the caller power (see {@link principalMatches}). */
export function firstMatchingPattern(
  patterns: readonly string[],
  arn: string,
  accounts?: readonly string[],
): string | undefined {
  return patterns.find((p) => principalMatches([p], arn, accounts));
}

/**
 * For deny lists only (operators: listed principals lose power, never gain it): identity-level
 * matching in any account, paths dropped from patterns too, and a malformed pattern still matched as
 * a plain glob against the ARN and its canonical form. Matching too much here can only take power
 * away. A malformed caller ARN is treated as denied.
 */
export function principalMatchesDenyList(patterns: readonly string[], arn: string): boolean {
  const principal = parsedOrUndefined(arn);
  if (!principal) return true;
  const canonical = formatPrincipal(principal);
  return patterns.some((raw) => {
    const pattern = parsePrincipalPattern(raw);
    if (typeof pattern !== 'string') return principalMatchesPattern(pattern, principal);
    return (
      matchesAny([raw], arn) ||
      matchesAny([raw], canonical) ||
      matchesAny([raw.toLowerCase()], keyOf(principal))
    );
  });
}
