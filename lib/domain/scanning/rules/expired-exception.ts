import { expiryOf } from '../approved-state.js';
import { expiredApproved, type ScannerRule } from './rule.js';

/**
 * `expired-exception`: an approved exception past its expiry that governance has not closed yet. It
 * also asks for a system revoke.
 */
export const expiredException: ScannerRule<'expired-exception'> = {
  type: 'expired-exception',
  run(input) {
    return expiredApproved(input, ['exception']).flatMap(({ decision: d, common }) => {
      if (d.request.kind !== 'exception') return [];
      const expiresAt = expiryOf(d) as string;
      return [
        {
          type: 'expired-exception',
          ...common,
          title: `exception ${d.id} on ${d.identityKey} expired ${expiresAt}`,
          evidence: {
            decisionId: d.id,
            expiresAt,
            findingTypes: d.request.findingTypes,
            riskOwner: d.request.riskAcceptance.owner,
          },
          revoke: { decisionId: d.id, reason: 'exception-expired' },
        },
      ];
    });
  },
};
