import type { RelatedUpdate } from '../../ports/governance-store.js';
import { type Decision, transition } from '../decision.js';
import type { GovernanceDeps } from './deps.js';

/**
 * When a revoke decision that references a grant (`revokes`) is approved, the grant stops being in
 * force in the same transaction: it moves to `revoked`, noting which decision ended it. Nothing to do
 * when the grant is no longer approved.
 */
export async function endReferencedGrant(
  deps: GovernanceDeps,
  approvedRevoke: Decision,
  actor: string,
  at: string,
): Promise<RelatedUpdate | undefined> {
  if (approvedRevoke.kind !== 'revoke' || !approvedRevoke.revokes) return undefined;
  const target = await deps.decisions.get(approvedRevoke.revokes, { consistent: true });
  if (target?.status !== 'approved') return undefined;
  return {
    next: transition(target, {
      to: 'revoked',
      actor,
      at,
      action: 'revoked',
      note: `revoked by decision ${approvedRevoke.id}`,
    }),
    expectedVersion: target.version,
  };
}
