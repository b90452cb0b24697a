import { FAILURE_DESTINATION, LAMBDA_BASICS } from './lambda-basics.js';
import type { FunctionPermissions } from './types.js';

/** governance-callback (functions/governance-callback/handler.ts): answers stored task tokens. */
export const GOVERNANCE_CALLBACK_PERMISSIONS: FunctionPermissions = {
  functionId: 'governanceCallback',
  statements: [
    ...LAMBDA_BASICS,
    FAILURE_DESTINATION,
    {
      sid: 'Decisions',
      effect: 'Allow',
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: ['table:decisions'],
      why: 'Re-reads the final decision; UpdateItem only removes a used task token, never a version or status.',
    },
    {
      sid: 'AnswerTaskTokens',
      effect: 'Allow',
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: ['states:stateMachine:*'],
      why: 'The token names its execution; any state machine of the account that called governance-task may be waiting.',
    },
  ],
};
