import * as z from 'zod';
import { ValidationError } from './errors.js';

/** A 12-digit AWS account id: what identities, findings and decisions are scoped by. */
export const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
export type AccountId = z.infer<typeof AccountId>;

/** The account id in an IAM or STS ARN (`arn:aws:iam::123456789012:role/x`), if it has one. */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

/**
 * The account an inventory describes: the one its identity ARNs name, or `given` (the function's
 * own account, `--account`), or both when they agree. Never a guess: which findings a scan may
 * resolve depends on it.
 * @param field names where `given` came from in messages (`--account`).
 * @throws ValidationError when the ARNs name several accounts or another account than `given`, or
 *   when there is neither an ARN nor `given` (an empty account needs its account named).
 */
export function accountOfInventory(
  inventory: {
    readonly accountId?: string | undefined;
    readonly roles: readonly { arn: string }[];
    readonly users: readonly { arn: string }[];
  },
  given?: string,
  field = 'account',
): string {
  const seen = new Set<string>(inventory.accountId ? [inventory.accountId] : []);
  for (const identity of [...inventory.roles, ...inventory.users]) {
    const account = accountOfArn(identity.arn);
    if (account) seen.add(account);
  }
  const inArns = [...seen].sort();
  if (inArns.length > 1) {
    throw new ValidationError(
      `the snapshot mixes accounts ${inArns.join(', ')}: scan one account at a time`,
      [{ path: 'snapshot', message: `mixes accounts ${inArns.join(', ')}` }],
    );
  }
  if (given !== undefined) {
    const parsed = AccountId.safeParse(given);
    if (!parsed.success) {
      throw new ValidationError(`${field} "${given}" must be a 12-digit AWS account id`, [
        { path: field, message: 'must be a 12-digit AWS account id' },
      ]);
    }
    if (inArns[0] !== undefined && inArns[0] !== given) {
      throw new ValidationError(
        `${field} ${given} does not match the snapshot, whose ARNs are in account ${inArns[0]}`,
        [{ path: field, message: `does not match the snapshot's account ${inArns[0]}` }],
      );
    }
    return given;
  }
  if (inArns[0] === undefined) {
    throw new ValidationError(
      `cannot tell which account the snapshot describes (it has no identity ARN): name it with ${field}`,
      [{ path: field, message: 'is required when the snapshot has no identities' }],
    );
  }
  return inArns[0];
}
