import { indexInventory } from '../../escalation/inventory-permissions.js';
import { documentHash } from '../../escalation/record.js';
import type { FindingDraft, RuleInput, ScannerRule } from './rule.js';
import { who } from './rule.js';

function run(input: RuleInput): FindingDraft<'policy-changed-since-approval'>[] {
  if (!input.inventory) return [];
  const index = indexInventory(input.inventory);
  const byKey = new Map(input.identities.map((i) => [i.key, i]));
  const drafts: FindingDraft<'policy-changed-since-approval'>[] = [];
  for (const [key, state] of input.states) {
    const i = byKey.get(key);
    if (!i) continue;
    const item = i.type === 'role' ? i.role : i.user;
    for (const [entitlement, decision] of state.entitlements) {
      const pinned = decision.pinned;
      if (!pinned) continue;
      let current: { versionId?: string; hash: string } | undefined;
      if (entitlement.startsWith('managed-policy:')) {
        const arn = entitlement.slice('managed-policy:'.length);
        if (!item.attachedManagedPolicies.some((p) => p.arn === arn)) continue;
        const policy = index.managed.get(arn);
        if (!policy || policy.document === undefined) continue;
        current = { versionId: policy.defaultVersionId, hash: documentHash(policy.document) };
      } else {
        const name = entitlement.slice('inline-policy:'.length);
        const inline = item.inlinePolicies.find((p) => p.name === name);
        if (!inline || inline.document === undefined) continue;
        current = { hash: documentHash(inline.document) };
      }
      const versionChanged =
        pinned.policyVersionId !== undefined &&
        current.versionId !== undefined &&
        current.versionId !== pinned.policyVersionId;
      if (!versionChanged && current.hash === pinned.contentHash) continue;
      drafts.push({
        type: 'policy-changed-since-approval',
        ...who(i),
        subject: entitlement,
        title: `${entitlement} on ${i.name} is no longer the document approved in decision ${decision.id}`,
        evidence: {
          entitlement,
          decisionId: decision.id,
          approvedHash: pinned.contentHash,
          currentHash: current.hash,
          approvedVersionId: pinned.policyVersionId ?? null,
          currentVersionId: current.versionId ?? null,
        },
      });
    }
  }
  return drafts;
}

/**
 * `policy-changed-since-approval`: an in-force grant pinned a document (content hash, and for a
 * managed policy its version id) and the document IAM now shows for that attachment is another one: a
 * new default version of a managed policy, or an inline policy rewritten in place. Grants without a
 * pin (decided before pinning existed) and policies whose document the inventory lacks are not judged.
 */
export const policyChangedSinceApproval: ScannerRule<'policy-changed-since-approval'> = {
  type: 'policy-changed-since-approval',
  run,
};
