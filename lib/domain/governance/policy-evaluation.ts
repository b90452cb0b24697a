import type { EscalationRecord } from '../escalation/record.js';
import { matchesAny, matchesGlobIgnoringCase } from '../patterns.js';
import type { Policy, PolicyFile } from '../policy/schema.js';
import { DAY_MS, HOUR_MS } from '../primitives.js';
import type { DecisionRequest, Entitlement } from '../request.js';
import { reviewNewIdentity } from './new-identity.js';
import { PolicyDeniedError } from './policy-errors.js';
import {
  firstMatchingPattern,
  principalMatches,
  principalMatchesDenyList,
  SYSTEM_PRINCIPAL,
  samePrincipal,
} from './principals.js';

export { PolicyDeniedError };

/** How the policy treats a new request: its tier, its quorum, and whether it is approved on submission. */
export interface SubmissionPlan {
  readonly tier: string;
  /** The policy rule that set the tier, e.g. `kinds.grant`, `entitlements[3]`, `escalation.completesPath`. */
  readonly tierRule: string;
  readonly requiredApprovals: number;
  /** Set when the request is approved on submission: the basis recorded on its approval. */
  readonly approvedBy?: { readonly basis: string; readonly action: 'auto-approved' };
  /** Break-glass: activated by the requester under the policy's break-glass rules. */
  readonly breakGlass?: { readonly expiresAt: string; readonly reviewDueAt: string };
  /** Exceptions carry their expiry from the request. */
  readonly expiresAt?: string;
}

type Tiers = PolicyFile['tiers'];

function tierOrThrow(tiers: Tiers, name: string) {
  const tier = tiers[name];
  if (!tier) throw new PolicyDeniedError(`the policy has no tier "${name}"`);
  return tier;
}

/** The stricter of two tiers: the one needing more approvals (the first on a tie). */
export function stricterTier(policy: Policy, a: string, b: string): string {
  const tiers = policy.document.tiers;
  return tierOrThrow(tiers, b).approvals > tierOrThrow(tiers, a).approvals ? b : a;
}

/** The policy's highest tier: the one needing the most approvals (the first listed on a tie). */
export function highestTier(policy: Policy): string {
  const names = Object.keys(policy.document.tiers);
  return names.reduce((best, name) => stricterTier(policy, best, name), names[0] as string);
}

/** The tier an entitlement may be granted at (first matching rule), or undefined when the policy does not allow it. */
export function entitlementTier(policy: Policy, entitlement: Entitlement): string | undefined {
  return entitlementRule(policy, entitlement)?.tier;
}

function entitlementRule(policy: Policy, entitlement: Entitlement) {
  const index = policy.document.entitlements.findIndex((rule) =>
    entitlement.type === 'inline-policy'
      ? rule.match === 'inline-policy'
      : matchesGlobIgnoringCase(rule.match, entitlement.policyArn),
  );
  const rule = policy.document.entitlements[index];
  return rule ? { tier: rule.tier, name: `entitlements[${index}] ${rule.match}` } : undefined;
}

/** A tier with the rule that asked for it. */
interface RuledTier {
  readonly tier: string;
  readonly rule: string;
}

/** The strictest of the candidates; on a tie the earlier one keeps the credit. */
function strictest(policy: Policy, candidates: readonly RuledTier[]): RuledTier {
  return candidates.reduce((best, next) =>
    stricterTier(policy, best.tier, next.tier) === best.tier ? best : next,
  );
}

/**
 * The escalation rules that apply to a grant's analysis: `escalation.completesPath` when it completes
 * a path, `escalation.unanalysable` when its document could not be analysed.
 */
function escalationTiers(policy: Policy, escalation: EscalationRecord | undefined): RuledTier[] {
  const rules = policy.document.escalation;
  if (!rules || !escalation) return [];
  const out: RuledTier[] = [];
  if (escalation.completes.length > 0)
    out.push({
      tier: rules.completesPath,
      rule: `escalation.completesPath (${escalation.completes.map((p) => p.id).join(', ')})`,
    });
  if (!escalation.analysed) out.push({ tier: rules.unanalysable, rule: 'escalation.unanalysable' });
  return out;
}

function describeEntitlement(e: Entitlement): string {
  return e.type === 'managed-policy' ? e.policyArn : `inline policy ${e.policyName}`;
}

/** True when the policy lists the principal as an operator (or it is governance's own system principal). */
export function isOperator(policy: Policy, principal: string): boolean {
  return (
    samePrincipal(principal, SYSTEM_PRINCIPAL) ||
    principalMatchesDenyList(policy.document.operators, principal)
  );
}

/**
 * Why `principal` may approve at `tierName`: `tier <name>: <matching pattern>`, or undefined when the
 * tier does not list them.
 */
export function approverBasis(policy: Policy, tierName: string, principal: string): string | undefined {
  const tier = policy.document.tiers[tierName];
  if (!tier) return undefined;
  const pattern = firstMatchingPattern(tier.approvers, principal, policy.document.accounts);
  const scope = policy.scope ? ` (scope ${policy.scope})` : '';
  return pattern ? `tier ${tierName}${scope}: ${pattern}` : undefined;
}

/** True when the principal may approve at some tier that needs approvals (reviewers, campaign owners). */
export function isApproverAnywhere(policy: Policy, principal: string): boolean {
  return Object.values(policy.document.tiers).some(
    (t) => t.approvals > 0 && principalMatches(t.approvers, principal, policy.document.accounts),
  );
}

function requestTier(policy: Policy, request: DecisionRequest, escalation?: EscalationRecord): RuledTier {
  const doc = policy.document;
  const kindTier = { tier: doc.kinds[request.kind].tier, rule: `kinds.${request.kind}` };
  switch (request.kind) {
    case 'grant': {
      const rule = entitlementRule(policy, request.entitlement);
      if (rule === undefined)
        throw new PolicyDeniedError(
          `the policy does not allow granting ${describeEntitlement(request.entitlement)} (no entitlements rule matches)`,
        );
      return strictest(policy, [
        kindTier,
        { tier: rule.tier, rule: rule.name },
        ...escalationTiers(policy, escalation),
      ]);
    }
    case 'exception':
      return strictest(policy, [kindTier, { tier: doc.exceptions.tier, rule: 'exceptions.tier' }]);
    default:
      return kindTier;
  }
}

function autoApproveRule(policy: Policy, request: DecisionRequest, requester: string, identityKey: string) {
  return policy.document.autoApprove.find(
    (rule) =>
      rule.kinds.includes(request.kind) &&
      (rule.requesters === undefined ||
        principalMatches(rule.requesters, requester, policy.document.accounts)) &&
      (rule.identities === undefined || matchesAny(rule.identities, identityKey)),
  );
}

/**
 * Applies the policy to a new request: duration ceilings, allowed entitlements, break-glass rules,
 * the tier and quorum, and auto-approval.
 * @throws PolicyDeniedError naming the rule that refuses the request.
 */
export function planSubmission(
  policy: Policy,
  request: DecisionRequest,
  requester: string,
  identityKey: string,
  now: Date,
  escalation?: EscalationRecord,
): SubmissionPlan {
  const doc = policy.document;
  if (request.kind === 'break-glass') return planBreakGlass(policy, request, requester, now);

  let expiresAt: string | undefined;
  if (request.kind === 'grant') {
    if (request.durationHours === undefined && !doc.grants.allowStanding)
      throw new PolicyDeniedError('the policy allows only time-bound grants: set durationHours');
    if (request.durationHours !== undefined && request.durationHours > doc.grants.maxDurationHours)
      throw new PolicyDeniedError(
        `durationHours ${request.durationHours} exceeds the policy's maximum of ${doc.grants.maxDurationHours} hours`,
      );
  }
  if (request.kind === 'exception') {
    const end = Date.parse(request.expiresAt);
    if (end <= now.getTime())
      throw new PolicyDeniedError(`expiresAt ${request.expiresAt} is not in the future`);
    const max = now.getTime() + doc.exceptions.maxDurationDays * DAY_MS;
    if (end > max)
      throw new PolicyDeniedError(
        `expiresAt ${request.expiresAt} is beyond the policy's maximum exception of ${doc.exceptions.maxDurationDays} days (latest ${new Date(max).toISOString()})`,
      );
    expiresAt = new Date(end).toISOString();
  }

  // A new identity must not gain governance power; a role trusted from another account goes to the
  // policy's highest tier, and no auto-approve rule applies to it.
  const crossAccount =
    request.kind === 'create-identity'
      ? reviewNewIdentity(policy, request, requester).crossAccountPrincipals.length > 0
      : false;
  const ruled = requestTier(policy, request, escalation);
  const { tier, rule: tierRule } = crossAccount
    ? strictest(policy, [ruled, { tier: highestTier(policy), rule: 'cross-account trust: highest tier' }])
    : ruled;
  const requiredApprovals = tierOrThrow(doc.tiers, tier).approvals;
  const rule = crossAccount ? undefined : autoApproveRule(policy, request, requester, identityKey);
  const approvedBy = rule
    ? { basis: `auto-approve:${rule.name}`, action: 'auto-approved' as const }
    : requiredApprovals === 0
      ? { basis: `tier ${tier}: no approval required`, action: 'auto-approved' as const }
      : undefined;
  return {
    tier,
    tierRule,
    requiredApprovals: approvedBy ? 0 : requiredApprovals,
    ...(approvedBy ? { approvedBy } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
}

function planBreakGlass(
  policy: Policy,
  request: Extract<DecisionRequest, { kind: 'break-glass' }>,
  requester: string,
  now: Date,
): SubmissionPlan {
  const bg = policy.document.breakGlass;
  if (!bg.enabled) throw new PolicyDeniedError('break-glass is disabled by the policy');
  if (!principalMatches(bg.requesters, requester, policy.document.accounts))
    throw new PolicyDeniedError(`${requester} may not activate break-glass (not in breakGlass.requesters)`);
  const allowed =
    request.entitlement.type === 'inline-policy'
      ? bg.entitlements.includes('inline-policy')
      : matchesAny(bg.entitlements, request.entitlement.policyArn);
  if (!allowed)
    throw new PolicyDeniedError(
      `break-glass may not grant ${describeEntitlement(request.entitlement)} (not in breakGlass.entitlements)`,
    );
  if (request.durationMinutes > bg.maxDurationMinutes)
    throw new PolicyDeniedError(
      `durationMinutes ${request.durationMinutes} exceeds the policy's break-glass maximum of ${bg.maxDurationMinutes} minutes`,
    );
  return {
    tier: policy.document.kinds['break-glass'].tier,
    tierRule: 'kinds.break-glass',
    requiredApprovals: 0,
    approvedBy: { basis: 'break-glass:self-activation', action: 'auto-approved' },
    breakGlass: {
      expiresAt: new Date(now.getTime() + request.durationMinutes * 60_000).toISOString(),
      reviewDueAt: new Date(now.getTime() + bg.reviewWithinHours * HOUR_MS).toISOString(),
    },
  };
}

/** When an approved grant ends: `durationHours` after approval, or never (standing access). */
export function grantExpiry(request: DecisionRequest, approvedAt: Date): string | undefined {
  if (request.kind !== 'grant' || request.durationHours === undefined) return undefined;
  return new Date(approvedAt.getTime() + request.durationHours * HOUR_MS).toISOString();
}
