/**
 * EventBridge event-pattern matching, for the patterns the suite deploys (pipe filters over stream
 * records, rules on the bus): a field's list of values matches when any one matches; a value is an
 * exact string, number, boolean or null, or one of the operators `anything-but` (a list or one value),
 * `prefix` and `exists`. When the event's field is an array, the field matches when any element does,
 * as EventBridge does. Any other operator throws: the local pipeline never guesses at a pattern it
 * does not understand (test/infra/local-pipeline-wiring.test.ts runs every synthesized pattern through
 * this function).
 *
 * No maintained npm library implements EventBridge's matching (AWS's own is the Java event-ruler);
 * this is the one matcher of the project.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern))
    throw new UnsupportedPatternError(`a pattern must be an object, got ${JSON.stringify(pattern)}`);
  if (Array.isArray(event)) return false;
  // EventBridge matches flattened paths: where the event has no object, every field below it is
  // absent, which only `exists: false` accepts (`{ migratedFrom: { S: [{ exists: false }] } }`).
  const fields = (event !== null && typeof event === 'object' ? event : {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const value = fields[key];
    if (Array.isArray(rule)) return matchesValues(rule, value);
    if (rule !== null && typeof rule === 'object') return matchesPattern(rule, value);
    throw new UnsupportedPatternError(`field ${key}: expected a list of values or a nested pattern`);
  });
}

/** A pattern using something this matcher does not implement. */
export class UnsupportedPatternError extends Error {}

function matchesValues(rules: readonly unknown[], value: unknown): boolean {
  const candidates = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (rule !== null && typeof rule === 'object')
      return matchesOperator(rule as Record<string, unknown>, value);
    return value !== undefined && candidates.some((c) => c === rule);
  });
}

function matchesOperator(rule: Record<string, unknown>, value: unknown): boolean {
  const keys = Object.keys(rule);
  if (keys.length !== 1)
    throw new UnsupportedPatternError(`one operator per rule, got ${JSON.stringify(rule)}`);
  const candidates = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if ('exists' in rule) {
    if (typeof rule.exists !== 'boolean') throw new UnsupportedPatternError('exists takes true or false');
    return rule.exists ? candidates.length > 0 : value === undefined;
  }
  if ('prefix' in rule) {
    if (typeof rule.prefix !== 'string') throw new UnsupportedPatternError('prefix takes a string');
    const prefix = rule.prefix;
    return candidates.some((c) => typeof c === 'string' && c.startsWith(prefix));
  }
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (but !== null && typeof but === 'object' && !Array.isArray(but))
      throw new UnsupportedPatternError(
        `anything-but with operators is not supported: ${JSON.stringify(rule)}`,
      );
    const excluded = Array.isArray(but) ? but : [but];
    // A missing field matches no anything-but, as in EventBridge.
    return candidates.some((c) => !excluded.includes(c));
  }
  throw new UnsupportedPatternError(`operator ${keys[0]} is not supported`);
}
