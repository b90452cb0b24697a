import { type Decision, transition } from '../decision.js';
import { ConflictError, ValidationError } from '../errors.js';
import { RevokeRequestedDetail } from '../events.js';
import { entitlementKey, type RevokeRequest } from '../request.js';
import { parseOrThrow } from '../validation.js';
import { type GovernanceDeps, mustGet } from './deps.js';
import { newPendingDecision } from './new-decision.js';
import { planSubmission } from './policy-evaluation.js';
import { decisionIdFor, policyForAccount } from './policy-scope.js';
import { SYSTEM_PRINCIPAL } from './principals.js';
import { approveByPolicy } from './submit.js';

/** The claim a grant's system revoke holds on the grant: one per grant, ever. */
export const SYSTEM_REVOKE_CLAIM = 'system-revoke';

/** Expiry reasons are honoured only once the decision has actually expired, give or take this much clock skew. */
const EXPIRY_SKEW_MS = 60_000;

/**
 * Files a system revoke through governance for an expired decision; it never touches IAM.
 *
 * - An approved grant or break-glass decision gets a `revoke` decision (source `system`, requester
 *   SYSTEM_PRINCIPAL, a random id, filed at most once per target by a claim keyed on the target), approved at once when the policy auto-approves
 *   revokes; approving it moves the grant to `revoked` in the same transaction.
 * - An approved exception moves to `expired`.
 *
 * Idempotent: a second call returns the revoke decision (or expired exception) of the first and writes
 * nothing. Returns undefined when the target is no longer in force and nothing is left to do.
 * @throws ValidationError for a malformed detail or a target that is not a grant, break-glass or exception.
 * @throws NotFoundError when the target decision does not exist.
 * @throws ConflictError when an expiry reason arrives before the target's expiry.
 */
export async function fileSystemRevoke(deps: GovernanceDeps, input: unknown): Promise<Decision | undefined> {
  const detail = parseOrThrow(RevokeRequestedDetail, input, 'RevokeRequested detail');
  const target = await mustGet(deps, detail.decisionId);
  if (target.kind !== 'grant' && target.kind !== 'break-glass' && target.kind !== 'exception')
    throw new ValidationError(
      `decision ${target.id} is a ${target.kind}; only grants, break-glass and exceptions are revoked by the system`,
      [{ path: 'decisionId', message: 'must reference a grant, break-glass or exception decision' }],
    );
  const now = deps.clock.now();
  // Every reason is an expiry: an event cannot end access that is still in force.
  const due = target.expiresAt ? Date.parse(target.expiresAt) : Number.POSITIVE_INFINITY;
  if (due - EXPIRY_SKEW_MS > now.getTime())
    throw new ConflictError(
      `decision ${target.id} does not expire until ${target.expiresAt ?? 'never'}; refusing a ${detail.reason} revoke`,
    );
  const actor = `${SYSTEM_PRINCIPAL} (${detail.requestedBy})`;
  const note = `${detail.reason}, requested by ${detail.requestedBy} at ${detail.requestedAt}`;

  if (target.kind === 'exception') {
    if (target.status === 'expired') return target;
    if (target.status !== 'approved') return undefined;
    const next = transition(target, { to: 'expired', actor, at: now.toISOString(), action: 'expired', note });
    await deps.decisions.update(next, target.version);
    return next;
  }

  // The revoke's id is random, so nobody can know it before it exists (and forge its events); that
  // it is filed at most once is kept by a claim keyed on the grant, written with it.
  const holder = await deps.decisions.claimHolder(target.id, SYSTEM_REVOKE_CLAIM);
  if (holder) return finishAutoApproval(deps, await mustGet(deps, holder));
  // A revoke already filed by someone else (an owner, a reviewer) covers it too.
  const filed = (await deps.decisions.listByIdentity(target.identityKey, target.accountId)).find(
    (d) =>
      d.kind === 'revoke' && d.revokes === target.id && (d.status === 'pending' || d.status === 'approved'),
  );
  if (filed) return filed;
  if (target.status !== 'approved') return undefined;
  if (target.request.kind !== 'grant' && target.request.kind !== 'break-glass') return undefined;

  const request: RevokeRequest = {
    kind: 'revoke',
    identity: target.request.identity,
    entitlement: target.request.entitlement,
    revokes: target.id,
    justification: `system revoke of decision ${target.id} (${entitlementKey(target.request.entitlement)}): ${detail.reason}`,
    ...(target.owner ? { owner: target.owner } : {}),
  };
  const plan = planSubmission(
    policyForAccount(deps.policy, target.accountId),
    request,
    SYSTEM_PRINCIPAL,
    target.identityKey,
    now,
  );
  const at = now.toISOString();
  const decision = newPendingDecision({
    id: decisionIdFor(deps.policy, target.accountId, deps.ids.next()),
    request,
    identityKey: target.identityKey,
    accountId: target.accountId,
    requester: SYSTEM_PRINCIPAL,
    owner: target.owner,
    source: 'system',
    tier: plan.tier,
    requiredApprovals: plan.requiredApprovals,
    policyVersion: deps.policy.version,
    at,
    revokes: target.id,
    actor,
    note,
  });
  try {
    await deps.decisions.createWithClaim(decision, target.id, SYSTEM_REVOKE_CLAIM);
  } catch (error) {
    // A concurrent call for the same target created it first: theirs is the one.
    if (error instanceof ConflictError) {
      const first = await deps.decisions.claimHolder(target.id, SYSTEM_REVOKE_CLAIM);
      if (first) return finishAutoApproval(deps, await mustGet(deps, first));
    }
    throw error;
  }
  if (!plan.approvedBy) return decision;
  return approveByPolicy(deps, decision, plan.approvedBy.basis);
}

/**
 * A system revoke is filed (version 1) and auto-approved (version 2) in two writes. When a run dies
 * between them, the retry finds the filed revoke through its claim: it finishes the approval the policy
 * grants instead of returning a revoke that would stay pending, and the grant in force, for ever. Two
 * retries at once: the approval is a conditional update, so one wins and the other re-reads it.
 */
async function finishAutoApproval(deps: GovernanceDeps, revoke: Decision): Promise<Decision> {
  if (revoke.status !== 'pending' || revoke.source !== 'system' || revoke.request.kind !== 'revoke')
    return revoke;
  const plan = planSubmission(
    deps.policy,
    revoke.request,
    SYSTEM_PRINCIPAL,
    revoke.identityKey,
    deps.clock.now(),
  );
  if (!plan.approvedBy) return revoke;
  try {
    return await approveByPolicy(deps, revoke, plan.approvedBy.basis);
  } catch (error) {
    if (error instanceof ConflictError) return mustGet(deps, revoke.id);
    throw error;
  }
}
