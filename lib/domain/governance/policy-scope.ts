import { ValidationError } from '../errors.js';
import { scopeOf } from '../organization.js';
import { type Policy, scopedDocument } from '../policy/schema.js';
import type { GovernanceDeps } from './deps.js';

/**
 * The rules that hold in one account: the policy's, with those of the first scope that matches the
 * account (by id or organizational unit) in their place. Same version: scopes are part of the file.
 */
export function policyForAccount(policy: Policy, accountId: string | undefined): Policy {
  const scope = scopeOf(policy.document, accountId);
  if (!scope) return policy;
  return { ...policy, document: scopedDocument(policy.document, scope), scope: scope.name };
}

/**
 * True when decisions must name their account: the policy describes an organization (one hub for
 * many accounts) or scopes some rules to some accounts.
 */
export function needsAccount(policy: Policy): boolean {
  return policy.document.organization !== undefined || (policy.document.scopes?.length ?? 0) > 0;
}

/**
 * The id of a new decision: in an organization, `<accountId>-<id>`, so every key of the decision
 * (`DECISION#<accountId>-...`) begins with its account and a member's read of the hub's table can be
 * limited to its own keys (`dynamodb:LeadingKeys`); otherwise `id` itself.
 */
export function decisionIdFor(policy: Policy, accountId: string | undefined, id: string): string {
  return policy.document.organization !== undefined && accountId !== undefined ? `${accountId}-${id}` : id;
}

/**
 * The account an organization decision id begins with (`<12 digits>-<id>`, see `decisionIdFor`), for
 * what carries only the id (a refused attempt, an executor's event before its read). Undefined for
 * any other id: generated ids (ULIDs, UUIDs) never begin with 12 digits and a dash.
 */
export function accountOfDecisionId(decisionId: string): string | undefined {
  return /^(\d{12})-/.exec(decisionId)?.[1];
}

/**
 * The governance dependencies with the rules of a request's account. When the policy scopes rules
 * by account, a request must name its account: without one it would escape its account's rules.
 * @throws ValidationError naming the request field `account` when it is needed and missing.
 */
export function depsForRequestAccount(deps: GovernanceDeps, accountId: string | undefined): GovernanceDeps {
  if (accountId === undefined && needsAccount(deps.policy))
    throw new ValidationError(
      'request: "account" is required: the policy governs an organization (organization or scopes)',
      [{ path: 'account', message: 'is required when the policy has organization or scopes' }],
    );
  return { ...deps, policy: policyForAccount(deps.policy, accountId) };
}

/**
 * The governance dependencies with the rules of a stored decision's account. A decision stored
 * without an account (before accounts were kept) follows the policy's own rules, never a scope's.
 */
export function depsForDecisionAccount(
  deps: GovernanceDeps,
  decision: { accountId?: string },
): GovernanceDeps {
  return { ...deps, policy: policyForAccount(deps.policy, decision.accountId) };
}
