import { matchesAny, matchesPrincipalPattern } from '../patterns.js';

/**
 * The principal governance itself acts as: the requester of system revokes (expiry, certification
 * sweeps) and the approver recorded on policy-based approvals (auto-approve rules, zero-approval
 * tiers, break-glass self-activation). Account 000000000000 does not exist, so it can never be a real
 * caller, and `approve` refuses it like an operator.
 */
export const SYSTEM_PRINCIPAL = 'arn:aws:iam::000000000000:role/nhi-gov-system';

/**
 * The stable identity behind a caller ARN: an STS assumed-role session becomes its role
 * (`arn:aws:iam::<account>:role/<name>`), and IAM paths are dropped, because role and user names are
 * unique per account whatever the path. Two sessions of one role are one approver.
 */
export function canonicalPrincipal(arn: string): string {
  const sts = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (sts) return `arn:${sts[1]}:iam::${sts[2]}:role/${sts[3]}`;
  const iam = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (iam) return `arn:${iam[1]}:iam::${iam[2]}:${iam[3]}/${iam[4]}`;
  return arn;
}

/** True when two caller ARNs are the same principal (same role or user, any session or path). */
export function samePrincipal(a: string, b: string): boolean {
  return canonicalPrincipal(a) === canonicalPrincipal(b);
}

/**
 * True when a policy pattern list matches the caller, as given or in its canonical form, so a policy
 * may list either `role/name` or `assumed-role/name/*` patterns. Matching is segment-safe (`*` and `?`
 * never cross `:` or `/`), so an IAM user whose path spells `role/<approver>` is not an approver.
 */
export function principalMatches(patterns: readonly string[], arn: string): boolean {
  const canonical = canonicalPrincipal(arn);
  return patterns.some((p) => matchesPrincipalPattern(p, arn) || matchesPrincipalPattern(p, canonical));
}

/**
 * For deny lists only (operators: listed principals lose power, never gain it): true when the
 * segment-safe match holds, or when the generic glob does, so a pattern such as
 * `arn:aws:sts::*:assumed-role/ops-*` (no trailing `/*`) still covers that role's sessions. Matching
 * too much here can only take power away.
 */
export function principalMatchesDenyList(patterns: readonly string[], arn: string): boolean {
  return (
    principalMatches(patterns, arn) ||
    matchesAny(patterns, arn) ||
    matchesAny(patterns, canonicalPrincipal(arn))
  );
}
