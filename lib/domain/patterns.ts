/**
 * Escapes a glob into a whole-string regular expression. `any` is what `*` matches any run of, and
 * `one` what `?` matches one of.
 */
function globToRegExp(glob: string, any: string, one: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, `${any}*`)
    .replace(/\?/g, one);
  return new RegExp(`^${escaped}$`);
}

const cache = new Map<string, RegExp>();
const segmentCache = new Map<string, RegExp>();

/**
 * True when `text` matches the glob `pattern` (case-sensitive, like ARNs): `*` is any run of
 * characters, `?` one character. For policy ARN entitlement patterns and identity keys, whose paths
 * a `*` may span. Never use it for principal patterns: see {@link matchesPrincipalPattern}.
 */
export function matchesGlob(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern, '.', '.');
    cache.set(pattern, re);
  }
  return re.test(text);
}

/**
 * As {@link matchesGlob}, ignoring letter case: for entitlement tier rules, so another spelling of a
 * policy name (IAM names are unique regardless of case) takes the same, first-matching tier.
 */
export function matchesGlobIgnoringCase(pattern: string, text: string): boolean {
  return matchesGlob(pattern.toLowerCase(), text.toLowerCase());
}

/** True when `text` matches any of the patterns (generic glob, see {@link matchesGlob}). */
export function matchesAny(patterns: readonly string[], text: string): boolean {
  return patterns.some((p) => matchesGlob(p, text));
}

/**
 * True when the principal ARN `arn` matches the principal pattern `pattern` segment by segment:
 * `*` and `?` never match `:` or `/`. IAM user paths may contain `:` and `/`, so with a generic glob
 * the user `arn:aws:iam::111122223333:user/x:role/security-approver/mallory` would match
 * `arn:aws:iam::*:role/security-approver*`; here it does not.
 */
export function matchesPrincipalPattern(pattern: string, arn: string): boolean {
  let re = segmentCache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern, '[^:/]', '[^:/]');
    segmentCache.set(pattern, re);
  }
  return re.test(arn);
}
