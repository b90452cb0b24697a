import { planGrant } from './grant.js';
import type { KindPlanner } from './shared.js';

/**
 * A break-glass grant changes IAM exactly as a grant does (its difference, the review after activation,
 * is governance's); it has its own entry so the planners stay one per request kind.
 */
export const planBreakGlass: KindPlanner<'break-glass'> = (context) => planGrant(context);
