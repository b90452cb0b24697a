import type { TaskCallback } from '../../ports/task-callback.js';
import type { Campaign, ReviewItem } from '../certification.js';
import type { Decision } from '../decision.js';
import type { RevokeRequestedDetail } from '../events.js';
import { answerWorkflow, type WorkflowAnswer } from './answer-workflow.js';
import {
  getCampaign,
  type ReviewItemInput,
  reviewCampaignItem,
  type StartCampaignInput,
  startCampaign,
} from './campaigns.js';
import {
  type ActInput,
  approveDecision,
  cancelDecision,
  type ReviewInput,
  rejectDecision,
  reviewBreakGlass,
  revokeDecision,
} from './decide.js';
import { type GovernanceDeps, parseId } from './deps.js';
import { type ExceptionInput, renewException, requestException } from './exceptions.js';
import { type SubmitInput, submitRequest } from './submit.js';
import { submitForAccounts } from './submit-accounts.js';
import { fileSystemRevoke } from './system-revoke.js';
import { submitTicketed, type TicketedRequest } from './ticketing.js';

export type { WorkflowAnswer } from './answer-workflow.js';
export type { ReviewItemInput, StartCampaignInput } from './campaigns.js';
export { ReviewItemBody, StartCampaignBody } from './campaigns.js';
export type { ActInput, ReviewInput } from './decide.js';
export type { GovernanceDeps } from './deps.js';
export { publicDecision } from './deps.js';
export type { ExceptionInput } from './exceptions.js';
export { RenewExceptionBody } from './exceptions.js';
export { PolicyDeniedError } from './policy-evaluation.js';
export { SYSTEM_PRINCIPAL } from './principals.js';
export type { SubmitInput } from './submit.js';
export type { TicketedRequest } from './ticketing.js';

/**
 * The governance use cases bound to one set of dependencies. The dependencies themselves are not
 * exposed: an entry point reaches the store, the policy and the clock only through a use case.
 */
export interface Governance {
  submit(input: SubmitInput): Promise<Decision>;
  /** See submitTicketed: an AccessRequested event from a ticketing system the policy trusts. */
  submitTicketed(input: TicketedRequest): Promise<Decision>;
  /** A request that may name several `accounts`: one decision per account (see submitForAccounts). */
  submitForAccounts(input: SubmitInput): Promise<Decision[]>;
  approve(input: ActInput): Promise<Decision>;
  reject(input: ActInput): Promise<Decision>;
  cancel(input: ActInput): Promise<Decision>;
  revoke(input: ActInput): Promise<Decision>;
  review(input: ReviewInput): Promise<Decision>;
  /** See fileSystemRevoke: the system revoke of an expired grant, break-glass or exception. */
  fileSystemRevoke(detail: RevokeRequestedDetail): Promise<Decision | undefined>;
  requestException(input: ExceptionInput): Promise<Decision>;
  renewException(input: ExceptionInput & { readonly id: string }): Promise<Decision>;
  startCampaign(input: StartCampaignInput): Promise<{ campaign: Campaign; items: ReviewItem[] }>;
  getCampaign(id: string): Promise<{ campaign: Campaign; items: ReviewItem[] }>;
  reviewCampaignItem(input: ReviewItemInput): Promise<{
    campaign: Campaign;
    item: ReviewItem;
    revokeDecision?: Decision;
    /** A merged item's revoke: one decision per grant it covers. */
    revokeDecisions?: Decision[];
  }>;
  /** A decision by id, or undefined. */
  get(id: string): Promise<Decision | undefined>;
  /** See answerWorkflow: answers the Step Functions task waiting on a final decision. */
  answerWorkflow(decisionId: string, callback: TaskCallback): Promise<WorkflowAnswer>;
}

/** Binds the governance use cases to their dependencies. */
export function createGovernance(deps: GovernanceDeps): Governance {
  return {
    submit: (input) => submitRequest(deps, input),
    submitTicketed: (input) => submitTicketed(deps, input),
    submitForAccounts: (input) => submitForAccounts(deps, input),
    approve: (input) => approveDecision(deps, input),
    reject: (input) => rejectDecision(deps, input),
    cancel: (input) => cancelDecision(deps, input),
    revoke: (input) => revokeDecision(deps, input),
    review: (input) => reviewBreakGlass(deps, input),
    fileSystemRevoke: (detail) => fileSystemRevoke(deps, detail),
    requestException: (input) => requestException(deps, input),
    renewException: (input) => renewException(deps, input),
    startCampaign: (input) => startCampaign(deps, input),
    getCampaign: (id) => getCampaign(deps, id),
    reviewCampaignItem: (input) => reviewCampaignItem(deps, input),
    get: async (id) => deps.decisions.get(parseId(id, 'decision id'), { consistent: true }),
    answerWorkflow: (decisionId, callback) => answerWorkflow(deps, callback, decisionId),
  };
}
