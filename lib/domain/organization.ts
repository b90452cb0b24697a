import { AccountId } from './account.js';
import { ValidationError } from './errors.js';
import type { PolicyFile, PolicyScope } from './policy/schema.js';

/** Which accounts sit in which organizational unit: from the policy file, or from AWS Organizations. */
export type OrganizationUnits = Readonly<Record<string, readonly string[]>>;

/** The units an account sits in (several when the map lists parent and child OUs), sorted. */
export function unitsOf(units: OrganizationUnits, accountId: string): string[] {
  return Object.entries(units)
    .filter(([, accounts]) => accounts.includes(accountId))
    .map(([unit]) => unit)
    .sort();
}

/**
 * The accounts of the named units (`--ou`), sorted and each once.
 * @throws ValidationError naming the unit as typed when the map does not define it.
 */
export function accountsOfUnits(
  units: OrganizationUnits,
  names: readonly string[],
  field = '--ou',
): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const accounts = Object.hasOwn(units, name) ? units[name] : undefined;
    if (accounts === undefined)
      throw new ValidationError(
        `${field} "${name}" is not a unit of the organization (known: ${Object.keys(units).sort().join(', ') || 'none: add organization.units to the policy'})`,
        [{ path: field, message: `unknown unit "${name}"` }],
      );
    for (const a of accounts) out.add(a);
  }
  return [...out].sort();
}

/**
 * The scope whose rules hold in an account: the first that lists the account or one of its units.
 * An account id that is not exactly 12 digits matches no scope (callers refuse it before).
 */
export function scopeOf(policy: PolicyFile, accountId: string | undefined): PolicyScope | undefined {
  if (accountId === undefined || !AccountId.safeParse(accountId).success) return undefined;
  const units = new Set(unitsOf(policy.organization?.units ?? {}, accountId));
  return (policy.scopes ?? []).find(
    (s) => s.accounts?.includes(accountId) || s.units?.some((u) => units.has(u)),
  );
}
