import { DECIDE_ON_DECISIONS, READ_POLICY_DOCUMENTS } from './governance.js';
import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { FunctionPermissions } from './types.js';

/** governance-events (functions/governance-events/handler.ts): AccessRequested and RevokeRequested events. */
export const GOVERNANCE_EVENTS_PERMISSIONS: FunctionPermissions = {
  functionId: 'governanceEvents',
  statements: [...LAMBDA_BASICS, FAILURE_DESTINATION, DECIDE_ON_DECISIONS, READ_POLICY_DOCUMENTS],
};
