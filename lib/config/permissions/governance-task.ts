import { DECIDE_ON_DECISIONS, READ_POLICY_DOCUMENTS } from './governance.js';
import { LAMBDA_BASICS } from './lambda-basics.js';
import type { FunctionPermissions } from './types.js';

/** governance-task (functions/governance-task/handler.ts): the Step Functions task, invoked synchronously. */
export const GOVERNANCE_TASK_PERMISSIONS: FunctionPermissions = {
  functionId: 'governanceTask',
  statements: [
    ...LAMBDA_BASICS,
    DECIDE_ON_DECISIONS,
    READ_POLICY_DOCUMENTS,
    {
      sid: 'AnswerTaskTokens',
      effect: 'Allow',
      actions: ['states:SendTaskFailure'],
      resources: ['states:stateMachine:*'],
      why: 'A refused request fails the waiting workflow at once; the token names its execution, any state machine of the account may be waiting.',
    },
  ],
};
