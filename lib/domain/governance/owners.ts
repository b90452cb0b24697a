import type { Decision } from '../decision.js';
import { ValidationError } from '../errors.js';
import { DEFAULT_OWNER_REQUIRED_FOR, type PolicyFile } from '../policy/schema.js';
import { isPrincipalArn, principalKey, samePrincipal } from '../principal.js';
import type { DecisionRequest } from '../request.js';

/**
 * True when the request must name an owner: its kind is in the policy's `owners.requiredFor` (default
 * grant, create-identity, break-glass, exception), or it is time-bound access (break-glass, a grant
 * with `durationHours`), which always has an owner whatever the policy says.
 */
export function ownerRequired(policy: PolicyFile, request: DecisionRequest): boolean {
  const kinds: readonly string[] = policy.owners?.requiredFor ?? DEFAULT_OWNER_REQUIRED_FOR;
  if (kinds.includes(request.kind)) return true;
  if (request.kind === 'break-glass') return true;
  return request.kind === 'grant' && request.durationHours !== undefined;
}

/**
 * The owner a request names: its `owner`, else (exceptions) its risk owner; a principal ARN as its
 * comparison key (a session is its role, any path, the name lower-cased), so every spelling of one
 * principal is one owner. Never the requester: nobody becomes an owner by asking.
 */
export function requestOwner(request: DecisionRequest): string | undefined {
  const named = request.owner ?? (request.kind === 'exception' ? request.riskAcceptance.owner : undefined);
  if (named === undefined) return undefined;
  return isPrincipalArn(named) ? principalKey(named) : named;
}

/**
 * The request's owner, checked against the policy.
 * @throws ValidationError naming the request field `owner` when the policy requires one and it is missing.
 */
export function checkedOwner(policy: PolicyFile, request: DecisionRequest): string | undefined {
  const owner = requestOwner(request);
  if (owner === undefined && ownerRequired(policy, request))
    throw new ValidationError(
      `invalid request: owner: a ${request.kind} request must name an owner (a team or person who answers for the access)`,
      [{ path: 'owner', message: `required for ${request.kind} requests by the policy` }],
    );
  return owner;
}

/**
 * A stored decision without the owner that used to be defaulted. Decisions stored before owners were
 * named explicitly carry the requester's ARN as their owner when the request named none (a campaign
 * revoke: the reviewer's, who is its requester); that is not an owner, so it is dropped when read, and
 * the next write of the decision stores it without one. An owner the request named stays.
 */
export function withNamedOwner(decision: Decision): Decision {
  if (decision.owner === undefined || requestOwner(decision.request) !== undefined) return decision;
  if (!samePrincipal(decision.owner, decision.requester)) return decision;
  const { owner: _defaulted, ...rest } = decision;
  return rest;
}
