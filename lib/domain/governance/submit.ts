import { assertStorableForLife, BOUNDS } from '../bounds.js';
import { type Decision, type DecisionSource, requestIdentityKey, transition } from '../decision.js';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../errors.js';
import { analyseGrantRequest, type GrantAnalysis } from '../escalation/grant-analysis.js';
import type { Policy } from '../policy/schema.js';
import { Id } from '../primitives.js';
import { DecisionRequest, entitlementKey } from '../request.js';
import { parseOrThrow } from '../validation.js';
import { denied, derivedId, type GovernanceDeps, mustGet } from './deps.js';
import { newPendingDecision } from './new-decision.js';
import { checkedOwner } from './owners.js';
import {
  grantExpiry,
  highestTier,
  PolicyDeniedError,
  planSubmission,
  type SubmissionPlan,
} from './policy-evaluation.js';
import { decisionIdFor, depsForRequestAccount } from './policy-scope.js';
import { parseCaller, principalKey, SYSTEM_PRINCIPAL, samePrincipal } from './principals.js';
import { grantsEndedBy, type RevokeAuthority, revokeAuthority } from './revoke-authority.js';
import { endReferencedGrant } from './revoke-effects.js';

export interface SubmitInput {
  /** The request as received: validated here. */
  readonly request: unknown;
  /** The authenticated caller (IAM authorizer, state machine role, ticketing mapping, `--as`). */
  readonly requester: string;
  readonly source: DecisionSource;
  /** Step Functions: answered when the decision is final; never returned to callers. */
  readonly taskToken?: string;
  /** A caller-chosen key: submitting twice with the same key (and requester) returns the first decision. */
  readonly idempotencyKey?: string;
  /** A ticket reference from the entry point (EventBridge ticketing), kept when the request has none. */
  readonly ticket?: string;
}

/** Checks what a request references in the store (`revokes`, `renewalOf`). */
async function checkReferences(deps: GovernanceDeps, request: DecisionRequest, identityKey: string) {
  if (request.kind === 'revoke' && request.revokes) {
    const target = await mustGet(deps, request.revokes);
    if (target.kind !== 'grant' && target.kind !== 'break-glass')
      throw new ValidationError(`revokes: decision ${target.id} is a ${target.kind}, not a grant`, [
        { path: 'revokes', message: 'must reference a grant or break-glass decision' },
      ]);
    const targetEntitlement =
      target.request.kind === 'grant' || target.request.kind === 'break-glass'
        ? entitlementKey(target.request.entitlement)
        : '';
    if (target.identityKey !== identityKey || targetEntitlement !== entitlementKey(request.entitlement))
      throw new ValidationError(`revokes: decision ${target.id} grants something else`, [
        {
          path: 'revokes',
          message: `decision ${target.id} is about ${target.identityKey} ${targetEntitlement}`,
        },
      ]);
  }
  if (request.kind === 'exception' && request.renewalOf) {
    const old = await mustGet(deps, request.renewalOf);
    if (old.kind !== 'exception' || old.identityKey !== identityKey)
      throw new ValidationError(`renewalOf: decision ${old.id} is not an exception for ${identityKey}`, [
        { path: 'renewalOf', message: 'must reference an exception decision about the same identity' },
      ]);
    if (old.status !== 'approved' && old.status !== 'expired')
      throw new ConflictError(
        `exception ${old.id} is ${old.status}; only an approved or expired exception can be renewed`,
      );
  }
}

/**
 * Approves a decision on the policy's authority (auto-approve rule, zero-approval tier, break-glass
 * self-activation): the approval is recorded as SYSTEM_PRINCIPAL with the rule as its basis.
 */
export async function approveByPolicy(
  deps: GovernanceDeps,
  decision: Decision,
  basis: string,
  extra: Pick<Decision, 'expiresAt' | 'reviewDueAt'> = {},
): Promise<Decision> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const approval = { approver: SYSTEM_PRINCIPAL, at, basis };
  const expiresAt = extra.expiresAt ?? decision.expiresAt ?? grantExpiry(decision.request, now);
  const next = transition(
    {
      ...decision,
      approvals: [...decision.approvals, approval],
      policyVersion: deps.policy.version,
      ...(expiresAt ? { expiresAt } : {}),
      ...(extra.reviewDueAt ? { reviewDueAt: extra.reviewDueAt } : {}),
    },
    { to: 'approved', actor: SYSTEM_PRINCIPAL, at, action: 'auto-approved', note: basis },
  );
  const related = await endReferencedGrant(deps, next, SYSTEM_PRINCIPAL, at);
  await deps.decisions.update(next, decision.version, { approval, ...(related ? { related } : {}) });
  return next;
}

/**
 * Submits a request: validates it, applies the policy, stores a pending decision (version 1) and,
 * when the policy approves it outright (auto-approve, zero-approval tier, break-glass self-activation),
 * approves it as version 2. Every status change is a modification of the stored decision, never an
 * insert in a final state, so the decisions-table stream sees each transition.
 * @throws ValidationError naming every invalid field; nothing is written.
 * @throws PolicyDeniedError when the policy refuses the request; only the denied attempt is written.
 * @throws NotFoundError / ConflictError for a bad `revokes` / `renewalOf` reference.
 */
export async function submitRequest(unscoped: GovernanceDeps, input: SubmitInput): Promise<Decision> {
  const requester = parseCaller(input.requester, 'requester');
  if (input.idempotencyKey !== undefined && input.idempotencyKey.length > BOUNDS.idempotencyKeyLength)
    throw new ValidationError(`idempotency key: must be at most ${BOUNDS.idempotencyKeyLength} characters`, [
      { path: 'idempotencyKey', message: `must be at most ${BOUNDS.idempotencyKeyLength} characters` },
    ]);
  const parsed = parseOrThrow(DecisionRequest, input.request, 'request');
  let request: DecisionRequest =
    input.ticket && !parsed.ticket ? { ...parsed, ticket: input.ticket } : parsed;
  // The rules of the request's account (a scope of the policy, by account or organizational unit).
  const deps = depsForRequestAccount(unscoped, request.account);
  const identityKey = requestIdentityKey(request);
  const owner = checkedOwner(deps.policy.document, request);

  const id = decisionIdFor(
    deps.policy,
    request.account,
    input.idempotencyKey
      ? derivedId('request', input.source, principalKey(requester), input.idempotencyKey)
      : deps.ids.next(),
  );
  Id.parse(id);
  if (input.idempotencyKey) {
    const existing = await deps.decisions.get(id, { consistent: true });
    if (existing) return sameSubmission(existing, requester);
  }

  await checkReferences(deps, request, identityKey);
  // Who may end a grant is the same on every path (revoke-authority.ts).
  let authority: RevokeAuthority | undefined;
  if (request.kind === 'revoke') {
    const named = request.revokes ? await mustGet(deps, request.revokes) : undefined;
    const ended = await grantsEndedBy(deps, request, identityKey, named);
    if (ended.revokes && !request.revokes) request = { ...request, revokes: ended.revokes };
    authority = revokeAuthority(deps.policy, requester, ended.grants, deps.policy.document.kinds.revoke.tier);
    if (authority.kind === 'operator')
      throw await denied(deps, id, requester, 'submit revoke', new SeparationOfDutiesError(authority.reason));
  }
  const analysis: GrantAnalysis | undefined =
    request.kind === 'grant' || request.kind === 'break-glass'
      ? await analyseGrantRequest(deps.documents, request)
      : undefined;
  const now = deps.clock.now();
  let plan: SubmissionPlan;
  try {
    plan = planSubmission(deps.policy, request, requester, identityKey, now, analysis?.escalation);
  } catch (error) {
    if (error instanceof PolicyDeniedError)
      throw await denied(deps, id, requester, `submit ${request.kind}`, error);
    throw error;
  }
  if (authority?.kind === 'needs-approval') plan = withoutAutoApproval(deps.policy, plan);

  const at = now.toISOString();
  const renewalOf = request.kind === 'exception' ? request.renewalOf : undefined;
  const revokes = request.kind === 'revoke' ? request.revokes : undefined;
  const decision = newPendingDecision({
    id,
    request,
    identityKey,
    accountId: request.account,
    requester,
    owner,
    source: input.source,
    tier: plan.tier,
    tierRule: plan.tierRule,
    requiredApprovals: plan.requiredApprovals,
    escalation: analysis?.escalation,
    pinned: analysis?.pinned,
    policyVersion: deps.policy.version,
    at,
    expiresAt: plan.expiresAt,
    renewalOf,
    revokes,
    taskToken: input.taskToken,
    note: authority
      ? revokeNote(authority)
      : request.kind === 'break-glass'
        ? 'break-glass activation requested'
        : undefined,
  });
  assertStorableForLife(decision);
  try {
    await deps.decisions.create(decision);
  } catch (error) {
    // Two deliveries of one idempotent submission racing: the second returns the first's decision.
    if (error instanceof ConflictError && input.idempotencyKey) {
      const existing = await mustGet(deps, id);
      return sameSubmission(existing, requester);
    }
    throw error;
  }
  if (!plan.approvedBy) return decision;
  return approveByPolicy(deps, decision, plan.approvedBy.basis, plan.breakGlass ?? {});
}

/** The history note of a revoke request: why its requester may end the grant, or why it needs approval. */
export function revokeNote(authority: RevokeAuthority): string {
  return authority.kind === 'may-end'
    ? `may end the grant: ${authority.basis}`
    : `needs approval: ${authority.reason}`;
}

/**
 * The plan of a revoke request whose requester may not end the grant alone: no auto-approve rule,
 * the approvals of its tier (the policy's highest tier when its own needs none).
 */
export function withoutAutoApproval(policy: Policy, plan: SubmissionPlan): SubmissionPlan {
  const own = policy.document.tiers[plan.tier];
  const tier = own && own.approvals > 0 ? plan.tier : highestTier(policy);
  return {
    tier,
    tierRule: tier === plan.tier ? plan.tierRule : 'revoke without authority: highest tier',
    requiredApprovals: policy.document.tiers[tier]?.approvals ?? 1,
  };
}

function sameSubmission(existing: Decision, requester: string): Decision {
  if (!samePrincipal(existing.requester, requester))
    throw new ConflictError(`idempotency key already used by another requester (decision ${existing.id})`);
  return existing;
}
