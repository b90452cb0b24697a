import * as z from 'zod';
import type { CampaignStore } from '../../ports/campaign-store.js';
import { BOUNDS, boundedText } from '../bounds.js';
import { type Campaign, CampaignScope, type ReviewItem } from '../certification.js';
import { type Decision, isInForce } from '../decision.js';
import { ConflictError, NotFoundError, SeparationOfDutiesError, ValidationError } from '../errors.js';
import { parseIdentity } from '../identity.js';
import type { IamInventory } from '../inventory.js';
import { matchesAny } from '../patterns.js';
import { DAY_MS } from '../primitives.js';
import { isPrincipalArn } from '../principal.js';
import { type DecisionRequest, type Entitlement, entitlementKey } from '../request.js';
import { parseOrThrow } from '../validation.js';
import { denied, derivedId, type GovernanceDeps, parseId } from './deps.js';
import { newPendingDecision } from './new-decision.js';
import { isApproverAnywhere, isOperator, PolicyDeniedError, planSubmission } from './policy-evaluation.js';
import { parseCaller, samePrincipal } from './principals.js';
import { revokeAuthority } from './revoke-authority.js';
import { approveByPolicy, revokeNote, withoutAutoApproval } from './submit.js';

export const StartCampaignBody = z.strictObject({
  name: boundedText(BOUNDS.campaignNameLength, { trim: true, min: 1 }),
  scope: CampaignScope.default({}),
  /** Days until items are overdue (at least an hour); default the policy's certification.dueDays. */
  dueDays: z
    .number()
    .min(1 / 24, 'must be at least one hour (1/24 day)')
    .max(365)
    .optional(),
});

export const ReviewItemBody = z.strictObject({
  outcome: z.enum(['keep', 'revoke']),
  note: boundedText(BOUNDS.reviewNoteLength, { trim: true }).optional(),
});

function campaignsOf(deps: GovernanceDeps): CampaignStore {
  if (!deps.campaigns) throw new Error('governance was built without a campaign store');
  return deps.campaigns;
}

interface Candidate {
  identityKey: string;
  entitlementKey: string;
  grantDecisionId?: string;
  owner?: string;
}

function fromDecisions(decisions: readonly Decision[], now: Date): Candidate[] {
  const out: Candidate[] = [];
  for (const d of decisions) {
    if (!isInForce(d, now)) continue;
    if (d.request.kind === 'grant' || d.request.kind === 'break-glass') {
      out.push({
        identityKey: d.identityKey,
        entitlementKey: entitlementKey(d.request.entitlement),
        grantDecisionId: d.id,
        owner: d.owner,
      });
    } else if (d.request.kind === 'create-identity') {
      out.push({
        identityKey: d.identityKey,
        entitlementKey: 'identity',
        grantDecisionId: d.id,
        owner: d.owner,
      });
    }
  }
  return out;
}

function fromInventory(inventory: IamInventory, pathPrefix: string): Candidate[] {
  const out: Candidate[] = [];
  const identities = [
    ...inventory.roles.map((r) => ({ ...r, key: `role/${r.name}` })),
    ...inventory.users.map((u) => ({ ...u, key: `user/${u.name}` })),
  ];
  for (const identity of identities) {
    if (!identity.path.startsWith(pathPrefix)) continue;
    out.push({ identityKey: identity.key, entitlementKey: 'identity' });
    for (const p of identity.attachedManagedPolicies)
      out.push({ identityKey: identity.key, entitlementKey: `managed-policy:${p.arn}` });
    for (const p of identity.inlinePolicies)
      out.push({ identityKey: identity.key, entitlementKey: `inline-policy:${p.name}` });
  }
  return out;
}

export interface StartCampaignInput {
  readonly body: unknown;
  /** The authenticated caller. */
  readonly createdBy: string;
  /** IAM state (live or snapshot), to include identities and entitlements no decision covers. */
  readonly inventory?: IamInventory;
}

/**
 * Starts a certification campaign over the identities in scope: every in-force grant, break-glass and
 * created identity in the decisions table, plus (with an inventory) every identity under the scope's
 * path (default: the managed path) and each of its policies. One review item per (identity,
 * entitlement). Only a policy approver who is not an operator may start one.
 * @throws ValidationError for a bad body or when nothing is in scope; nothing is written.
 */
export async function startCampaign(
  deps: GovernanceDeps,
  input: StartCampaignInput,
): Promise<{ campaign: Campaign; items: ReviewItem[] }> {
  const createdBy = parseCaller(input.createdBy, 'caller');
  const body = parseOrThrow(StartCampaignBody, input.body, 'campaign');
  const id = deps.ids.next();
  if (isOperator(deps.policy, createdBy) || !isApproverAnywhere(deps.policy, createdBy))
    throw await denied(
      deps,
      id,
      createdBy,
      'start campaign',
      new PolicyDeniedError(
        `${createdBy} may not start a certification campaign (not a policy approver, or an operator)`,
      ),
    );
  const now = deps.clock.now();
  const candidates = [
    ...fromDecisions(await deps.decisions.listByStatus('approved'), now),
    ...(input.inventory
      ? fromInventory(input.inventory, body.scope.pathPrefix ?? deps.policy.document.managedPath)
      : []),
  ].filter((c) => body.scope.identities === undefined || matchesAny(body.scope.identities, c.identityKey));
  // One item per (identity, entitlement); the one backed by a decision wins, and the item records
  // every decision it covers, so the reviewer can be checked against each.
  const byKey = new Map<string, Candidate>();
  const covered = new Map<string, string[]>();
  for (const c of candidates) {
    const key = `${c.identityKey} ${c.entitlementKey}`;
    const seen = byKey.get(key);
    if (!seen || (!seen.grantDecisionId && c.grantDecisionId)) byKey.set(key, c);
    if (c.grantDecisionId) covered.set(key, [...(covered.get(key) ?? []), c.grantDecisionId]);
  }
  if (byKey.size === 0)
    throw new ValidationError('nothing to certify: no identity in the campaign scope', [
      { path: 'scope', message: 'matches no in-force decision or inventory identity' },
    ]);
  const items: ReviewItem[] = [...byKey.values()]
    .sort((a, b) =>
      `${a.identityKey} ${a.entitlementKey}`.localeCompare(`${b.identityKey} ${b.entitlementKey}`),
    )
    .map((c) => ({
      campaignId: id,
      itemId: derivedId(c.identityKey, c.entitlementKey).slice(0, 16),
      identityKey: c.identityKey,
      entitlementKey: c.entitlementKey,
      ...(c.grantDecisionId ? { grantDecisionId: c.grantDecisionId } : {}),
      ...((covered.get(`${c.identityKey} ${c.entitlementKey}`)?.length ?? 0) > 1
        ? { coveredDecisionIds: covered.get(`${c.identityKey} ${c.entitlementKey}`)?.slice(0, 100) }
        : {}),
      ...(c.owner ? { owner: c.owner } : {}),
      outcome: 'pending',
      version: 1,
    }));
  const campaign: Campaign = {
    id,
    name: body.name,
    scope: body.scope,
    createdBy,
    createdAt: now.toISOString(),
    dueAt: new Date(
      now.getTime() + (body.dueDays ?? deps.policy.document.certification.dueDays) * DAY_MS,
    ).toISOString(),
    status: 'open',
    policyVersion: deps.policy.version,
    itemCount: items.length,
    completedCount: 0,
    version: 1,
  };
  await campaignsOf(deps).create(campaign, items);
  return { campaign, items };
}

/** A campaign and its items. @throws NotFoundError when there is no such campaign. */
export async function getCampaign(
  deps: GovernanceDeps,
  id: string,
): Promise<{ campaign: Campaign; items: ReviewItem[] }> {
  const store = campaignsOf(deps);
  const campaign = await store.get(parseId(id, 'campaign id'), { consistent: true });
  if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
  return { campaign, items: await store.listItems(id) };
}

function entitlementFromKey(key: string): Entitlement {
  if (key.startsWith('managed-policy:'))
    return { type: 'managed-policy', policyArn: key.slice('managed-policy:'.length) };
  return { type: 'inline-policy', policyName: key.slice('inline-policy:'.length) };
}

/**
 * Every in-force decision a review item covers: the ones recorded on it, and any in-force grant (or,
 * for the identity itself, creation) of the same entitlement on the identity now.
 */
async function decisionsCovered(
  deps: GovernanceDeps,
  item: ReviewItem,
  grant: Decision | undefined,
): Promise<Decision[]> {
  const now = deps.clock.now();
  const out = new Map<string, Decision>();
  if (grant) out.set(grant.id, grant);
  // The item's identity is one of one account: the account of its grant, or of a decision it covers.
  const first = item.coveredDecisionIds?.[0];
  const account = grant ? grant.accountId : first ? (await deps.decisions.get(first))?.accountId : undefined;
  for (const d of await deps.decisions.listByIdentity(item.identityKey, account)) {
    const key =
      d.request.kind === 'grant' || d.request.kind === 'break-glass'
        ? entitlementKey(d.request.entitlement)
        : d.request.kind === 'create-identity'
          ? 'identity'
          : undefined;
    const recorded = d.id === item.grantDecisionId || (item.coveredDecisionIds ?? []).includes(d.id);
    if (recorded || (key === item.entitlementKey && isInForce(d, now))) out.set(d.id, d);
  }
  return [...out.values()];
}

/** How the reviewer took part in a decision (requester, owner, approver), or undefined when they did not. */
function involvement(d: Decision, reviewer: string): string | undefined {
  if (samePrincipal(d.requester, reviewer)) return 'requester';
  if (isPrincipalArn(d.owner) && samePrincipal(d.owner, reviewer)) return 'owner';
  if (d.approvals.some((a) => samePrincipal(a.approver, reviewer))) return 'approver';
  return undefined;
}

export interface ReviewItemInput {
  readonly campaignId: string;
  readonly itemId: string;
  /** The authenticated caller. */
  readonly reviewer: string;
  readonly body: unknown;
}

/**
 * Records a reviewer's keep/revoke on one item. `revoke` files a revoke request (or a delete-identity
 * request for the identity itself) through governance, in the same transaction as the item update,
 * requested by the reviewer with source `certification`; the policy may auto-approve it, otherwise
 * someone other than the reviewer approves it. Reviewers must be policy approvers, not operators, and
 * may not certify access they requested themselves.
 * @throws NotFoundError, ConflictError (closed campaign, item already reviewed), ValidationError,
 *   SeparationOfDutiesError / PolicyDeniedError (recorded).
 */
export async function reviewCampaignItem(
  deps: GovernanceDeps,
  input: ReviewItemInput,
): Promise<{
  campaign: Campaign;
  item: ReviewItem;
  revokeDecision?: Decision;
  revokeDecisions?: Decision[];
}> {
  const reviewer = parseCaller(input.reviewer, 'reviewer');
  const body = parseOrThrow(ReviewItemBody, input.body, 'review');
  const store = campaignsOf(deps);
  const campaign = await store.get(parseId(input.campaignId, 'campaign id'), { consistent: true });
  if (!campaign) throw new NotFoundError(`campaign ${input.campaignId} does not exist`);
  if (campaign.status !== 'open') throw new ConflictError(`campaign ${campaign.id} is ${campaign.status}`);
  const item = await store.getItem(campaign.id, parseId(input.itemId, 'item id'), { consistent: true });
  if (!item) throw new NotFoundError(`campaign ${campaign.id} has no item ${input.itemId}`);
  if (item.outcome !== 'pending')
    throw new ConflictError(`item ${item.itemId} was already reviewed (${item.outcome}) by ${item.reviewer}`);

  const evidenceId = item.grantDecisionId ?? campaign.id;
  const grant = item.grantDecisionId
    ? await deps.decisions.get(item.grantDecisionId, { consistent: true })
    : undefined;
  if (isOperator(deps.policy, reviewer))
    throw await denied(
      deps,
      evidenceId,
      reviewer,
      'certify',
      new SeparationOfDutiesError(`${reviewer} is an operator or executor and cannot certify access`),
    );
  // Independence from every decision the item covers: the merged grants of one entitlement included.
  const coveredDecisions = await decisionsCovered(deps, item, grant);
  for (const d of coveredDecisions) {
    const role = involvement(d, reviewer);
    if (role)
      throw await denied(
        deps,
        evidenceId,
        reviewer,
        'certify',
        new SeparationOfDutiesError(
          `${reviewer} is the ${role} of decision ${d.id}, which review item ${item.itemId} covers, and cannot certify it`,
        ),
      );
  }
  if (!isApproverAnywhere(deps.policy, reviewer))
    throw await denied(
      deps,
      evidenceId,
      reviewer,
      'certify',
      new PolicyDeniedError(`${reviewer} is not a policy approver and cannot certify access`),
    );

  const now = deps.clock.now();
  const at = now.toISOString();
  let revokeDecisions: Decision[] = [];
  let approvedBy: string | undefined;
  if (body.outcome === 'revoke') {
    const identity = parseIdentity(item.identityKey);
    const justification = `certification campaign "${campaign.name}" (${campaign.id}): reviewer chose revoke${body.note ? `: ${body.note}` : ''}`;
    const owner = item.owner ? { owner: item.owner } : {};
    // A merged item ends every in-force grant it covers: one revoke each, so no other grant keeps
    // the access the reviewer chose to revoke (the executor detaches once none backs it).
    const grants = coveredDecisions.filter(
      (d) => (d.kind === 'grant' || d.kind === 'break-glass') && isInForce(d, now),
    );
    const requests: DecisionRequest[] =
      item.entitlementKey === 'identity'
        ? [{ kind: 'delete-identity', identity, justification, ...owner }]
        : grants.length > 0
          ? grants.map((g) => ({
              kind: 'revoke' as const,
              identity,
              entitlement:
                g.request.kind === 'grant' || g.request.kind === 'break-glass'
                  ? g.request.entitlement
                  : entitlementFromKey(item.entitlementKey),
              justification,
              revokes: g.id,
              ...owner,
            }))
          : [
              {
                kind: 'revoke',
                identity,
                entitlement: entitlementFromKey(item.entitlementKey),
                justification,
                ...owner,
              },
            ];
    const first = requests[0] as DecisionRequest;
    let plan = planSubmission(deps.policy, first, reviewer, item.identityKey, now);
    let note = `certification campaign ${campaign.id}`;
    if (first.kind === 'revoke') {
      // The same rule as every revoke path: a reviewer who may not end each grant needs approval.
      const authority = revokeAuthority(deps.policy, reviewer, grants, plan.tier);
      if (authority.kind === 'needs-approval') plan = withoutAutoApproval(deps.policy, plan);
      note = `${note}; ${revokeNote(authority)}`;
    }
    approvedBy = plan.approvedBy?.basis;
    revokeDecisions = requests.map((request) => {
      const revokes = request.kind === 'revoke' ? request.revokes : undefined;
      return newPendingDecision({
        id: deps.ids.next(),
        request,
        identityKey: item.identityKey,
        requester: reviewer,
        // The item's owner when it has one; a reviewer never becomes an owner by reviewing.
        owner: item.owner,
        source: 'certification',
        tier: plan.tier,
        requiredApprovals: plan.requiredApprovals,
        policyVersion: deps.policy.version,
        at,
        revokes,
        note,
      });
    });
  }
  const [firstRevoke] = revokeDecisions;
  const reviewed: ReviewItem = {
    ...item,
    outcome: body.outcome,
    reviewer,
    reviewedAt: at,
    ...(body.note ? { note: body.note } : {}),
    ...(firstRevoke ? { revokeDecisionId: firstRevoke.id } : {}),
    ...(revokeDecisions.length > 1 ? { revokeDecisionIds: revokeDecisions.map((d) => d.id) } : {}),
    version: item.version + 1,
  };
  const after = await store.recordReview(
    reviewed,
    item.version,
    revokeDecisions.length > 0 ? { revokeDecisions } : {},
  );
  if (approvedBy) {
    const basis = approvedBy;
    const approved: Decision[] = [];
    for (const d of revokeDecisions) approved.push(await approveByPolicy(deps, d, basis));
    revokeDecisions = approved;
  }
  const [revokeDecision] = revokeDecisions;
  return {
    campaign: after,
    item: reviewed,
    ...(revokeDecision ? { revokeDecision } : {}),
    ...(revokeDecisions.length > 1 ? { revokeDecisions } : {}),
  };
}
