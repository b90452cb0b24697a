import type { ApprovedIdentityState } from '../approved-state.js';
import type { ClassifiedIdentity } from '../classify.js';
import type { FindingDraft, ScannerRule } from './rule.js';

/**
 * `missing-access` (drift, the other way): an in-force approved identity or grant that IAM does not
 * show, for scanned identities and for approved identities IAM does not show at all.
 */
export const missingAccess: ScannerRule<'missing-access'> = {
  type: 'missing-access',
  run(input) {
    const drafts: FindingDraft<'missing-access'>[] = [];
    const seen = new Set<string>();
    for (const i of input.identities) {
      seen.add(i.key);
      const state = input.states.get(i.key);
      if (state) drafts.push(...missingFor(i, state));
    }
    for (const [key, state] of input.states) {
      if (!seen.has(key)) drafts.push(...missingFor(undefined, state));
    }
    return drafts;
  },
};

function missingFor(
  i: ClassifiedIdentity | undefined,
  state: ApprovedIdentityState,
): FindingDraft<'missing-access'>[] {
  const drafts: FindingDraft<'missing-access'>[] = [];
  const base = {
    identityKey: state.identityKey,
    ...(i ? { identityArn: i.arn } : {}),
  };
  if (!i && state.identityDecision) {
    drafts.push({
      type: 'missing-access',
      ...base,
      owner: state.identityDecision.owner,
      subject: 'identity',
      title: `${state.identityKey} was approved (decision ${state.identityDecision.id}) but IAM does not show it`,
      evidence: {
        decisionId: state.identityDecision.id,
        decidedAt: state.identityDecision.decidedAt ?? null,
      },
    });
  }
  const item = i ? (i.type === 'role' ? i.role : i.user) : undefined;
  const shown = new Set([
    ...(item?.attachedManagedPolicies ?? []).map((p) => `managed-policy:${p.arn}`),
    ...(item?.inlinePolicies ?? []).map((p) => `inline-policy:${p.name}`),
  ]);
  for (const [key, decision] of state.entitlements) {
    if (shown.has(key)) continue;
    drafts.push({
      type: 'missing-access',
      ...base,
      owner: decision.owner,
      subject: key,
      title: `approved ${key} on ${state.identityKey} is not in IAM`,
      evidence: {
        entitlement: key,
        decisionId: decision.id,
        decidedAt: decision.decidedAt ?? null,
        identityInIam: i !== undefined,
      },
    });
  }
  return drafts;
}
