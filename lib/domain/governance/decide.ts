import { parseNote } from '../bounds.js';
import { type Decision, transition } from '../decision.js';
import { ConflictError, ForbiddenError, SeparationOfDutiesError } from '../errors.js';
import { denied, type GovernanceDeps, mustGet } from './deps.js';
import { approverBasis, grantExpiry, isOperator, PolicyDeniedError } from './policy-evaluation.js';
import { depsForDecisionAccount, policyForAccount } from './policy-scope.js';
import { canonicalPrincipal, parseCaller, samePrincipal } from './principals.js';
import { revokeAuthority } from './revoke-authority.js';
import { endReferencedGrant } from './revoke-effects.js';

export interface ActInput {
  readonly id: string;
  /** The authenticated caller; never a body field. */
  readonly actor: string;
  readonly note?: string;
}

function requireStatus(decision: Decision, ...allowed: Decision['status'][]) {
  if (!allowed.includes(decision.status))
    throw new ConflictError(
      `decision ${decision.id} is ${decision.status}; expected ${allowed.join(' or ')}`,
    );
}

/**
 * The separation-of-duties and policy checks every deciding action shares: not the requester, not an
 * operator/executor, allowed by the decision's tier. Returns the approval basis.
 */
async function authorizeDecider(
  unscoped: GovernanceDeps,
  decision: Decision,
  actor: string,
  action: string,
): Promise<string> {
  // The rules of the decision's account: an approver scoped to some accounts approves only there.
  const deps = depsForDecisionAccount(unscoped, decision);
  if (samePrincipal(actor, decision.requester))
    throw await denied(
      deps,
      decision.id,
      actor,
      action,
      new SeparationOfDutiesError(`${actor} requested decision ${decision.id} and cannot ${action} it`),
    );
  if (isOperator(deps.policy, actor))
    throw await denied(
      deps,
      decision.id,
      actor,
      action,
      new SeparationOfDutiesError(`${actor} is an operator or executor and can never ${action} a decision`),
    );
  const basis = approverBasis(deps.policy, decision.tier, actor);
  if (!basis)
    throw await denied(
      deps,
      decision.id,
      actor,
      action,
      new PolicyDeniedError(`${actor} is not an approver for tier "${decision.tier}" in the policy`),
    );
  return basis;
}

/**
 * Records the caller's approval of a pending decision; when it completes the quorum, the decision
 * becomes `approved` (a JIT grant's expiry starts now). The approval and the new version are written in
 * one transaction that refuses a second approval by the same principal.
 * @throws NotFoundError, ConflictError (not pending, stale version, already approved in a race)
 * @throws SeparationOfDutiesError / PolicyDeniedError, after recording the denied attempt.
 */
export async function approveDecision(deps: GovernanceDeps, input: ActInput): Promise<Decision> {
  const actor = parseCaller(input.actor, 'approver');
  const note = parseNote(input.note);
  const decision = await mustGet(deps, input.id);
  requireStatus(decision, 'pending');
  if (decision.approvals.some((a) => samePrincipal(a.approver, actor)))
    throw await denied(
      deps,
      decision.id,
      actor,
      'approve',
      new SeparationOfDutiesError(
        `${canonicalPrincipal(actor)} has already approved decision ${decision.id}; one approver counts once towards the quorum`,
      ),
    );
  const basis = await authorizeDecider(deps, decision, actor, 'approve');
  const now = deps.clock.now();
  const at = now.toISOString();
  if (decision.expiresAt && Date.parse(decision.expiresAt) <= now.getTime())
    throw new ConflictError(
      `decision ${decision.id} expired at ${decision.expiresAt} before it was approved`,
    );

  const approval = { approver: canonicalPrincipal(actor), at, basis };
  const approvals = [...decision.approvals, approval];
  const base: Decision = { ...decision, approvals, policyVersion: deps.policy.version };
  let next: Decision;
  if (approvals.length >= decision.requiredApprovals) {
    const expiresAt = decision.expiresAt ?? grantExpiry(decision.request, now);
    next = transition(
      { ...base, ...(expiresAt ? { expiresAt } : {}) },
      {
        to: 'approved',
        actor,
        at,
        action: 'approved',
        note: note ?? `${approvals.length} of ${decision.requiredApprovals} approvals`,
      },
    );
  } else {
    const version = decision.version + 1;
    next = {
      ...base,
      version,
      updatedAt: at,
      history: [
        ...decision.history,
        {
          at,
          actor,
          action: 'approval-recorded',
          version,
          note: note ?? `${approvals.length} of ${decision.requiredApprovals} approvals`,
        },
      ],
    };
  }
  const related = next.status === 'approved' ? await endReferencedGrant(deps, next, actor, at) : undefined;
  await deps.decisions.update(next, decision.version, { approval, ...(related ? { related } : {}) });
  return next;
}

/**
 * Rejects a pending decision. Only an approver of its tier may, never its requester (who cancels) or
 * an operator.
 */
export async function rejectDecision(deps: GovernanceDeps, input: ActInput): Promise<Decision> {
  const actor = parseCaller(input.actor, 'caller');
  const note = parseNote(input.note);
  const decision = await mustGet(deps, input.id);
  requireStatus(decision, 'pending');
  await authorizeDecider(deps, decision, actor, 'reject');
  const next = transition(decision, {
    to: 'rejected',
    actor,
    at: deps.clock.now().toISOString(),
    action: 'rejected',
    ...(note ? { note: note } : {}),
  });
  await deps.decisions.update(next, decision.version);
  return next;
}

/** Cancels a pending decision; only its requester may. */
export async function cancelDecision(deps: GovernanceDeps, input: ActInput): Promise<Decision> {
  const actor = parseCaller(input.actor, 'caller');
  const note = parseNote(input.note);
  const decision = await mustGet(deps, input.id);
  requireStatus(decision, 'pending');
  if (!samePrincipal(actor, decision.requester))
    throw await denied(
      deps,
      decision.id,
      actor,
      'cancel',
      new ForbiddenError(`only the requester can cancel decision ${decision.id}`, { code: 'NOT_REQUESTER' }),
    );
  const next = transition(decision, {
    to: 'cancelled',
    actor,
    at: deps.clock.now().toISOString(),
    action: 'cancelled',
    ...(note ? { note: note } : {}),
  });
  await deps.decisions.update(next, decision.version);
  return next;
}

const REVOCABLE: readonly Decision['kind'][] = ['grant', 'break-glass', 'exception'];

/**
 * Revokes an approved grant, break-glass activation or exception before its end. Its requester, its
 * owner or an approver of its tier may; operators never (revoking is a decision too). See
 * revoke-authority.ts: the same rule holds for revoke requests, campaigns and events.
 */
export async function revokeDecision(deps: GovernanceDeps, input: ActInput): Promise<Decision> {
  const actor = parseCaller(input.actor, 'caller');
  const note = parseNote(input.note);
  const decision = await mustGet(deps, input.id);
  if (!REVOCABLE.includes(decision.kind))
    throw new ConflictError(
      `decision ${decision.id} is a ${decision.kind}; only grants, break-glass and exceptions can be revoked (file a revoke or delete-identity request instead)`,
    );
  requireStatus(decision, 'approved');
  // The same rule as a revoke request (revoke-authority.ts): requester, owner or tier approver.
  const authority = revokeAuthority(
    policyForAccount(deps.policy, decision.accountId),
    actor,
    [decision],
    decision.tier,
  );
  if (authority.kind !== 'may-end')
    throw await denied(
      deps,
      decision.id,
      actor,
      'revoke',
      authority.kind === 'operator'
        ? new SeparationOfDutiesError(authority.reason)
        : new PolicyDeniedError(
            `${actor} may not revoke decision ${decision.id}: only its requester, its owner or an approver of tier "${decision.tier}" may (never an operator); file a revoke request for approval instead`,
          ),
    );
  const next = transition(decision, {
    to: 'revoked',
    actor,
    at: deps.clock.now().toISOString(),
    action: 'revoked',
    ...(note ? { note: note } : {}),
  });
  await deps.decisions.update(next, decision.version);
  return next;
}

export interface ReviewInput extends ActInput {
  /** `confirm` keeps the activation on record as justified; `revoke` also ends it if still active. */
  readonly outcome: 'confirm' | 'revoke';
}

/**
 * The post-activation review of a break-glass decision, by someone other than its requester who may
 * approve at its tier. Late reviews are accepted and say so; a decision is reviewed once.
 */
export async function reviewBreakGlass(deps: GovernanceDeps, input: ReviewInput): Promise<Decision> {
  const actor = parseCaller(input.actor, 'reviewer');
  const note = parseNote(input.note);
  const decision = await mustGet(deps, input.id);
  if (decision.kind !== 'break-glass')
    throw new ConflictError(
      `decision ${decision.id} is a ${decision.kind}; only break-glass is reviewed after activation`,
    );
  requireStatus(decision, 'approved', 'revoked', 'expired');
  if (decision.reviewedBy)
    throw new ConflictError(`decision ${decision.id} was already reviewed by ${decision.reviewedBy}`);
  await authorizeDecider(deps, decision, actor, 'review');
  const now = deps.clock.now();
  const at = now.toISOString();
  const late = decision.reviewDueAt !== undefined && Date.parse(decision.reviewDueAt) < now.getTime();
  const version = decision.version + 1;
  const entry = [
    `outcome ${input.outcome}`,
    late ? `late: review was due by ${decision.reviewDueAt}` : undefined,
    note,
  ]
    .filter(Boolean)
    .join('; ');
  let next: Decision = {
    ...decision,
    version,
    updatedAt: at,
    reviewedBy: canonicalPrincipal(actor),
    reviewedAt: at,
    history: [...decision.history, { at, actor, action: 'reviewed', version, note: entry }],
  };
  if (input.outcome === 'revoke' && next.status === 'approved')
    next = transition(next, {
      to: 'revoked',
      actor,
      at,
      action: 'revoked',
      note: 'revoked on post-activation review',
    });
  await deps.decisions.update(next, decision.version);
  return next;
}
