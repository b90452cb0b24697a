import { GOVERNANCE_IAM_READ_ACTIONS } from '../iam-reads.js';
import type { Action, DeclaredStatement } from './types.js';

/**
 * What a governance function that files requests (api, task, events) does on the decisions table: read,
 * query its indexes, write decisions and campaign items in transactions (TransactWriteItems is
 * authorized through each item's PutItem / UpdateItem / ConditionCheckItem). Never a delete, so no
 * BatchWriteItem (it allows DeleteRequest), and no other table.
 */
export const GOVERNANCE_DECISIONS_ACTIONS: readonly Action[] = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
];

export const DECIDE_ON_DECISIONS: DeclaredStatement = {
  sid: 'Decisions',
  effect: 'Allow',
  actions: GOVERNANCE_DECISIONS_ACTIONS,
  resources: ['table:decisions', 'table:decisions/index/*'],
  why: 'Requests, approvals, exceptions and campaigns are decisions; the queues and reports are its indexes.',
};

/** The escalation analysis of a grant (docs/escalation.md): read-only IAM, any identity of the account. */
export const READ_POLICY_DOCUMENTS: DeclaredStatement = {
  sid: 'ReadPolicyDocumentsForEscalationAnalysis',
  effect: 'Allow',
  actions: GOVERNANCE_IAM_READ_ACTIONS,
  resources: ['iam:role/*', 'iam:user/*', 'iam:group/*', 'iam:policy/*', 'iam:aws-policy/*'],
  why: 'The identity and the policies of a request can be any in the account; Get/List only, never a write.',
};
