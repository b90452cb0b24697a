import * as z from 'zod';
import { AccountId } from '../account.js';
import { BOUNDS } from '../bounds.js';
import type { Decision } from '../decision.js';
import { requestIdentityKey } from '../decision.js';
import { type Issue, ValidationError } from '../errors.js';
import { DecisionRequest } from '../request.js';
import { formatIssues, parseOrThrow, toIssues } from '../validation.js';
import type { GovernanceDeps } from './deps.js';
import { checkedOwner } from './owners.js';
import { PolicyDeniedError, planSubmission } from './policy-evaluation.js';
import { depsForRequestAccount } from './policy-scope.js';
import { parseCaller } from './principals.js';
import { type SubmitInput, submitRequest } from './submit.js';

/** The `accounts` list of a request that names several accounts: 12-digit ids, each once. */
export const RequestAccounts = z
  .array(AccountId)
  .min(1, 'name at least one account')
  .max(BOUNDS.requestAccounts, `at most ${BOUNDS.requestAccounts} accounts per request`)
  .superRefine((accounts, ctx) => {
    const seen = new Map<string, number>();
    accounts.forEach((account, i) => {
      const first = seen.get(account);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `account ${account} is named twice (also accounts[${first}])`,
        });
      else seen.set(account, i);
    });
  });

function invalid(issues: Issue[]): ValidationError {
  return new ValidationError(`invalid request: ${formatIssues(issues)}`, issues);
}

/**
 * The one-account requests a request stands for: one per entry of its `accounts` list, each with
 * that `account`; a request without `accounts` stands for itself.
 * @throws ValidationError naming `accounts[i]` (as typed) for a bad or repeated account id, and a
 *   request that names both `account` and `accounts`.
 */
export function requestsPerAccount(request: unknown): unknown[] {
  if (
    typeof request !== 'object' ||
    request === null ||
    Array.isArray(request) ||
    !Object.hasOwn(request, 'accounts')
  )
    return [request];
  const { accounts, ...rest } = request as Record<string, unknown>;
  if (Object.hasOwn(rest, 'account'))
    throw invalid([
      { path: 'account', message: 'name one account in "account" or several in "accounts", not both' },
    ]);
  const parsed = RequestAccounts.safeParse(accounts);
  if (!parsed.success) {
    const issues = toIssues(parsed.error, 'accounts').map((issue, i) => {
      const at = parsed.error.issues[i]?.path[0];
      const typed = typeof at === 'number' && Array.isArray(accounts) ? accounts[at] : undefined;
      return typed === undefined ? issue : { ...issue, message: `"${String(typed)}" ${issue.message}` };
    });
    throw invalid(issues);
  }
  return parsed.data.map((account) => ({ ...rest, account }));
}

/**
 * Submits a request that may name several accounts: one decision per account, each approved,
 * executed and revoked on its own. Every account's request is validated and checked against its
 * account's rules before anything is written, so a bad account id, a repeated one, or a request the
 * policy refuses in one account stores no decision at all (a refusal by the policy is recorded as a
 * denied attempt, as for a single request). A request without `accounts` is submitted as it is.
 * With an idempotency key, each account's decision is keyed on `<key>` and the account, so a retry
 * after a failure part-way returns the decisions already stored and stores the rest.
 * @throws ValidationError naming every invalid field of every account's request; nothing is written.
 * @throws PolicyDeniedError when the policy refuses the request in one of the accounts.
 */
export async function submitForAccounts(deps: GovernanceDeps, input: SubmitInput): Promise<Decision[]> {
  const requests = requestsPerAccount(input.request);
  if (requests.length === 1 && !Object.hasOwn(input.request as object, 'accounts'))
    return [await submitRequest(deps, input)];
  const requester = parseCaller(input.requester, 'requester');
  const now = deps.clock.now();
  const parsed = requests.map((r) => parseOrThrow(DecisionRequest, r, 'request'));
  for (const request of parsed) {
    // A reference names one decision, which is about one account.
    if ((request.kind === 'revoke' && request.revokes) || (request.kind === 'exception' && request.renewalOf))
      throw invalid([
        {
          path: request.kind === 'revoke' ? 'revokes' : 'renewalOf',
          message: 'names one decision (one account): submit it for that account alone',
        },
      ]);
  }
  // Dry run of every account's rules first: a refusal in one account stores no decision anywhere.
  const refused: { index: number; error: PolicyDeniedError }[] = [];
  parsed.forEach((request, index) => {
    const scoped = depsForRequestAccount(deps, request.account);
    checkedOwner(scoped.policy.document, request);
    try {
      planSubmission(scoped.policy, request, requester, requestIdentityKey(request), now);
    } catch (error) {
      if (error instanceof PolicyDeniedError) refused.push({ index, error });
      else throw error;
    }
  });
  const first = refused[0];
  if (first) {
    // Submitting the refused account's request records the denied attempt and throws the refusal.
    await submitRequest(deps, { ...input, request: requests[first.index] });
    throw first.error;
  }
  const out: Decision[] = [];
  for (const [i, request] of requests.entries()) {
    const account = parsed[i]?.account as string;
    out.push(
      await submitRequest(deps, {
        ...input,
        request,
        ...(input.idempotencyKey ? { idempotencyKey: `${input.idempotencyKey}#${account}` } : {}),
      }),
    );
  }
  return out;
}
