import { DECIDE_ON_DECISIONS, READ_POLICY_DOCUMENTS } from './governance.js';
import { LAMBDA_BASICS } from './lambda-basics.js';
import type { FunctionPermissions } from './types.js';

/** governance-api (functions/governance-api/handler.ts): the HTTP API, invoked synchronously. */
export const GOVERNANCE_API_PERMISSIONS: FunctionPermissions = {
  functionId: 'governanceApi',
  statements: [...LAMBDA_BASICS, DECIDE_ON_DECISIONS, READ_POLICY_DOCUMENTS],
};
