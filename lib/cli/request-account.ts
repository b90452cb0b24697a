import { DynamoScanLog } from '../adapters/dynamodb/scan-log.js';
import { UsageError } from './io.js';
import type { Stores } from './local-store.js';

/**
 * A request names the account of its identity, or gets the one account the local store knows (from
 * its scans). With several known accounts the request must say which: guessing could grant access
 * in the wrong account. A store that has scanned nothing yet leaves the request without an account.
 * @throws UsageError naming the `account` field and the known accounts.
 */
export async function withDefaultAccount(stores: Stores, request: unknown, file: string): Promise<unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request) || 'account' in request)
    return request;
  const known = (await new DynamoScanLog(stores.doc, stores.names.findings).listLatestScans()).map(
    (s) => s.accountId,
  );
  if (known.length === 0) return request;
  if (known.length === 1) return { ...request, account: known[0] };
  throw new UsageError(
    `${file}: the request names no "account" and the store knows several accounts (${known.join(', ')}): add "account": "<12 digits>"`,
  );
}

/**
 * The request file with the accounts given by `--account` (repeatable) as its `accounts` list.
 * @throws UsageError when the file names its account(s) too: one place says which accounts.
 */
export function withCliAccounts(
  request: unknown,
  accounts: readonly string[] | undefined,
  file: string,
): unknown {
  if (accounts === undefined || accounts.length === 0) return request;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return request;
  if (Object.hasOwn(request, 'account') || Object.hasOwn(request, 'accounts'))
    throw new UsageError(
      `${file} names its account(s) and --account ${accounts.join(' --account ')} was given too: name the accounts in one place`,
    );
  return { ...request, accounts: [...accounts] };
}
