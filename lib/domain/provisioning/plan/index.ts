import { planBreakGlass } from './break-glass.js';
import { planCreateIdentity } from './create-identity.js';
import { planDeleteIdentity } from './delete-identity.js';
import { planGrant } from './grant.js';
import { planRevoke } from './revoke.js';
import type { KindPlanner, ProvisionedKind } from './shared.js';

export * from './shared.js';

/**
 * The planner of every request kind the provision function executes, one file each: the compiler
 * refuses a kind in `PROVISIONED_KINDS` without its planner here.
 */
export const PLANNERS: { readonly [K in ProvisionedKind]: KindPlanner<K> } = {
  grant: planGrant,
  'break-glass': planBreakGlass,
  'create-identity': planCreateIdentity,
  'delete-identity': planDeleteIdentity,
  revoke: planRevoke,
};
