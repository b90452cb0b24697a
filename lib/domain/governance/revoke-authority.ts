import { type Decision, isInForce } from '../decision.js';
import { ValidationError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import { isPrincipalArn } from '../principal.js';
import { entitlementKey, type RevokeRequest } from '../request.js';
import type { GovernanceDeps } from './deps.js';
import { approverBasis, isOperator } from './policy-evaluation.js';
import { SYSTEM_PRINCIPAL, samePrincipal } from './principals.js';

/**
 * Who may end a grant, the same on every path (a `kind: revoke` request through the API, Step
 * Functions, a ticketing event or the CLI; `nhi-gov revoke` / `POST /decisions/{id}/revoke`; a
 * certification review; a system revoke):
 *
 * - `may-end`: the system, the grant's requester, its owner (when the owner is a principal ARN) or an
 *   approver of the grant's tier. Their revoke request may be approved by the policy's auto-approve
 *   rules (e.g. `revoke-is-always-safe`); the direct revoke is theirs to make.
 * - `needs-approval`: anyone else who is not an operator. Their revoke request needs the approvals of
 *   its tier (no auto-approve rule applies); the direct revoke is refused.
 * - `operator`: never (operators and executors do not decide, revoking included).
 *
 * A revoke that names no grant (unmanaged access) is judged against the tier of the revoke request.
 */
export type RevokeAuthority =
  | { readonly kind: 'may-end'; readonly basis: string }
  | { readonly kind: 'needs-approval'; readonly reason: string }
  | { readonly kind: 'operator'; readonly reason: string };

function endsOne(policy: Policy, actor: string, grant: Decision): string | undefined {
  if (samePrincipal(actor, grant.requester)) return `requester of ${grant.id}`;
  if (isPrincipalArn(grant.owner) && samePrincipal(actor, grant.owner)) return `owner of ${grant.id}`;
  const basis = approverBasis(policy, grant.tier, actor);
  return basis ? `approver of ${grant.id} (${basis})` : undefined;
}

/** Judges who `actor` is towards the grants a revoke would end (see {@link RevokeAuthority}). */
export function revokeAuthority(
  policy: Policy,
  actor: string,
  grants: readonly Decision[],
  revokeTier: string,
): RevokeAuthority {
  if (samePrincipal(actor, SYSTEM_PRINCIPAL)) return { kind: 'may-end', basis: 'system' };
  if (isOperator(policy, actor))
    return {
      kind: 'operator',
      reason: `${actor} is an operator or executor and can never end a grant (revoking is a decision too)`,
    };
  if (grants.length === 0) {
    const basis = approverBasis(policy, revokeTier, actor);
    return basis
      ? { kind: 'may-end', basis }
      : {
          kind: 'needs-approval',
          reason: `${actor} is not an approver of tier "${revokeTier}" for access no grant backs`,
        };
  }
  const bases: string[] = [];
  for (const grant of grants) {
    const basis = endsOne(policy, actor, grant);
    if (!basis)
      return {
        kind: 'needs-approval',
        reason: `${actor} is neither the requester, the owner nor an approver of tier "${grant.tier}" of grant ${grant.id}`,
      };
    bases.push(basis);
  }
  return { kind: 'may-end', basis: bases.join('; ') };
}

/**
 * The in-force grants a revoke request ends: the one it names (`revokes`), or, when it names none,
 * the one in-force grant of that entitlement on that identity (filled in as `revokes`).
 * @throws ValidationError when it names none and several in-force grants back the entitlement.
 */
export async function grantsEndedBy(
  deps: GovernanceDeps,
  request: RevokeRequest,
  identityKey: string,
  named: Decision | undefined,
): Promise<{ grants: Decision[]; revokes?: string }> {
  if (named) return { grants: [named], revokes: named.id };
  const key = entitlementKey(request.entitlement);
  const now = deps.clock.now();
  const backing = (await deps.decisions.listByIdentity(identityKey, request.account)).filter(
    (d) =>
      (d.request.kind === 'grant' || d.request.kind === 'break-glass') &&
      isInForce(d, now) &&
      entitlementKey(d.request.entitlement) === key,
  );
  if (backing.length > 1)
    throw new ValidationError(
      `revokes: ${identityKey} ${key} is backed by ${backing.length} in-force grants (${backing.map((d) => d.id).join(', ')}); name the one to end in revokes`,
      [{ path: 'revokes', message: 'required when several grants back the entitlement' }],
    );
  const [only] = backing;
  return only ? { grants: [only], revokes: only.id } : { grants: [] };
}
