import { entitlementKey } from '../../request.js';
import type { PlannedChange } from '../changes.js';
import { GRANT_KINDS, isKindIn } from '../kinds.js';
import { cancelSchedule, type KindPlanner, removeChange } from './shared.js';

/**
 * A revoke removes the entitlement it names, and cancels the revoke schedule of the time-bound grant
 * it ends. A revoke that ends one named grant leaves access another in-force grant still backs.
 */
export const planRevoke: KindPlanner<'revoke'> = ({ input, request, ref, key, changes }) => {
  const { decision, state } = input;
  const list: PlannedChange[] = [];
  const notes: string[] = [];
  const ek = entitlementKey(request.entitlement);
  if (!state) notes.push(`${key} no longer exists`);
  else if (decision.revokes && input.stillGranted?.has(ek))
    notes.push(`${ek} stays on ${key}: another in-force decision still grants it`);
  else list.push(removeChange(ref, request.entitlement, state));
  const grant = input.revokedGrant;
  if (grant?.expiresAt && isKindIn(GRANT_KINDS, grant.kind)) list.push(cancelSchedule(ref, grant));
  return changes(list, notes);
};
