import * as z from 'zod';
import { AccountId } from '../../domain/account.js';
import { ValidationError } from '../../domain/errors.js';
import { accountsOfUnits, type OrganizationUnits } from '../../domain/organization.js';

/** `--ou`, `--account` (both repeatable) and `--policy` (whose organization.units name the units). */
export const ScopeOptions = {
  ou: z.array(z.string().min(1)).optional(),
  account: z.array(AccountId).optional(),
  policy: z.string().min(1).optional(),
};

export interface ScopeRequest {
  readonly ou?: readonly string[] | undefined;
  readonly account?: readonly string[] | undefined;
}

/** True when the command line narrows the report to some accounts. */
export const wantsScope = (r: ScopeRequest) => Boolean(r.ou?.length || r.account?.length);

/**
 * The accounts a report covers: those of `--ou` (by the policy's units), those of `--account`, or the
 * accounts in both when both are given; undefined when neither is.
 * @param known the accounts the store knows: in the policy's units or scanned (a heartbeat on the hub).
 * @throws ValidationError naming the flag and the value typed: an unknown unit, an account that is
 *   neither in a unit nor scanned, or an `--account` outside every `--ou` given.
 */
export function resolveScope(
  request: ScopeRequest,
  units: OrganizationUnits,
  known: readonly string[],
): string[] | undefined {
  if (!wantsScope(request)) return undefined;
  const fromUnits = request.ou?.length ? accountsOfUnits(units, request.ou) : undefined;
  const knownSet = new Set([...known, ...Object.values(units).flat()]);
  const accounts = request.account?.length ? [...new Set(request.account)] : undefined;
  for (const a of accounts ?? []) {
    if (!knownSet.has(a))
      throw new ValidationError(
        `--account "${a}" is not an account of the organization: it is in none of the policy's organization.units and has never reported a scan`,
        [{ path: '--account', message: `unknown account "${a}"` }],
      );
    if (fromUnits && !fromUnits.includes(a))
      throw new ValidationError(
        `--account "${a}" is not in ${request.ou?.map((u) => `--ou "${u}"`).join(', ')}`,
        [{ path: '--account', message: `"${a}" is outside the units asked for` }],
      );
  }
  return (accounts ?? fromUnits ?? []).slice().sort();
}
