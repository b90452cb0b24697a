import { entitlementKey } from '../../request.js';
import { expiryOf } from '../approved-state.js';
import { expiredApproved, type ScannerRule } from './rule.js';

/**
 * `expired-grant`: an approved grant or break-glass past its expiry that governance has not closed
 * yet. It also asks for a system revoke.
 */
export const expiredGrant: ScannerRule<'expired-grant'> = {
  type: 'expired-grant',
  run(input) {
    return expiredApproved(input, ['grant', 'break-glass']).flatMap(({ decision: d, common }) => {
      if (d.request.kind !== 'grant' && d.request.kind !== 'break-glass') return [];
      const expiresAt = expiryOf(d) as string;
      return [
        {
          type: 'expired-grant',
          ...common,
          title: `${d.request.kind} ${d.id} of ${entitlementKey(d.request.entitlement)} on ${d.identityKey} expired ${expiresAt}`,
          evidence: {
            decisionId: d.id,
            kind: d.request.kind,
            entitlement: entitlementKey(d.request.entitlement),
            expiresAt,
          },
          revoke: {
            decisionId: d.id,
            reason: d.request.kind === 'break-glass' ? 'break-glass-expired' : 'grant-expired',
          },
        },
      ];
    });
  },
};
