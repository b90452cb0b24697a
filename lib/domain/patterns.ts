/** Escapes a glob into a whole-string regular expression: `*` is any run, `?` one character. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

const cache = new Map<string, RegExp>();

/** True when `text` matches the glob `pattern` (case-sensitive, like ARNs). */
export function matchesGlob(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern);
    cache.set(pattern, re);
  }
  return re.test(text);
}

/** True when `text` matches any of the patterns. */
export function matchesAny(patterns: readonly string[], text: string): boolean {
  return patterns.some((p) => matchesGlob(p, text));
}
