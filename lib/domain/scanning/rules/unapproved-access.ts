import { entitlementKey } from '../../request.js';
import type { FindingDraft, ScannerRule } from './rule.js';
import { who } from './rule.js';

/**
 * `unapproved-access` (drift, one way) for the managed path: an identity, managed policy attachment or
 * inline policy that IAM shows with no in-force approved decision behind it. An attachment whose grant
 * is approved but expired is left to `expired-grant`.
 */
export const unapprovedAccess: ScannerRule<'unapproved-access'> = {
  type: 'unapproved-access',
  run(input) {
    const drafts: FindingDraft<'unapproved-access'>[] = [];
    for (const i of input.identities) {
      if (!i.managed || i.category === 'aws-managed') continue;
      const state = input.states.get(i.key);
      if (!state?.identityDecision) {
        drafts.push({
          type: 'unapproved-access',
          ...who(i),
          subject: 'identity',
          title: `${i.type} ${i.name} exists under the managed path with no approved create-identity decision`,
          evidence: {
            path: i.path,
            createdAt: i.createdAt,
            approvedDecisions: state ? 'grants only' : 'none',
          },
        });
      }
      const item = i.type === 'role' ? i.role : i.user;
      const shown = [
        ...item.attachedManagedPolicies.map((p) => ({
          key: entitlementKey({ type: 'managed-policy', policyArn: p.arn }),
          what: `managed policy ${p.name}`,
          evidence: { policyArn: p.arn },
        })),
        ...item.inlinePolicies.map((p) => ({
          key: `inline-policy:${p.name}`,
          what: `inline policy ${p.name}`,
          evidence: { policyName: p.name },
        })),
      ];
      for (const e of shown) {
        if (state?.entitlements.has(e.key) || state?.expiredEntitlements.has(e.key)) continue;
        drafts.push({
          type: 'unapproved-access',
          ...who(i),
          subject: e.key,
          title: `${e.what} on ${i.name} has no approved grant behind it`,
          evidence: { entitlement: e.key, ...e.evidence },
        });
      }
    }
    return drafts;
  },
};
