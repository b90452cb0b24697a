// AWS permissions this function needs (least privilege, read by infra/):
//   dynamodb:GetItem and dynamodb:UpdateItem on the decisions table (UpdateItem only removes a used
//   task token; it never changes a decision's version or status);
//   states:SendTaskSuccess, states:SendTaskFailure.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE.
// Triggered by an EventBridge rule on source "nhi-gov", detail-type DecisionApproved | DecisionRejected |
// DecisionCancelled only (DecisionRevoked / DecisionExpired never reach it). The stored decision is
// re-read, so it may already be revoked or expired when a late event arrives: that still fails the task.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import * as z from 'zod';
import { SfnTaskCallback } from '../../lib/adapters/sfn/task-callback.js';
import { DecisionEventDetail } from '../../lib/domain/events.js';
import { type Governance, publicDecision } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { TaskAnswer, TaskCallback } from '../../lib/ports/task-callback.js';
import { governanceFromEnv } from '../governance-api/wiring.js';
import { observability } from '../shared/observability.js';

const DecisionEvent = z.object({ 'detail-type': z.string(), detail: DecisionEventDetail });

export interface CallbackDeps {
  readonly governance: Governance;
  readonly callback: TaskCallback;
}

export type CallbackResult =
  | { readonly answered: 'success' | 'failure'; readonly answer: TaskAnswer; readonly decisionId: string }
  | { readonly skipped: string };

const FAILURE_ERRORS: Partial<Record<string, string>> = {
  rejected: 'DecisionRejected',
  cancelled: 'DecisionCancelled',
  revoked: 'DecisionRevoked',
  expired: 'DecisionExpired',
};

/**
 * Answers the workflow waiting on a decision: SendTaskSuccess with the decision (without its token)
 * when approved, SendTaskFailure when rejected or cancelled. The stored decision, re-read with a
 * consistent read, is the truth, not the event. Afterwards the token is removed (without a version
 * change); a replayed event finds no token, and a token Step Functions reports as used or timed out
 * counts as answered.
 */
export function buildHandler(deps: CallbackDeps) {
  return async (event: unknown): Promise<CallbackResult> => {
    const { detail } = parseOrThrow(DecisionEvent, event, 'decision event');
    const decision = await deps.governance.get(detail.decisionId);
    if (!decision) return { skipped: `decision ${detail.decisionId} does not exist` };
    const token = decision.taskToken;
    if (!token) return { skipped: `decision ${decision.id} has no waiting workflow` };
    if (decision.status === 'pending') return { skipped: `decision ${decision.id} is still pending` };
    let result: CallbackResult;
    if (decision.status === 'approved') {
      const answer = await deps.callback.succeed(token, publicDecision(decision));
      result = { answered: 'success', answer, decisionId: decision.id };
    } else {
      const error = FAILURE_ERRORS[decision.status] ?? 'DecisionNotApproved';
      const answer = await deps.callback.fail(
        token,
        error,
        `decision ${decision.id} was ${decision.status}${decision.statusReason ? `: ${decision.statusReason}` : ''}`,
      );
      result = { answered: 'failure', answer, decisionId: decision.id };
    }
    await deps.governance.deps.decisions.clearTaskToken(decision.id, token);
    return result;
  };
}

const obs = observability('governance-callback');

export const handler = middy(
  buildHandler({
    governance: governanceFromEnv(new DynamoDBClient({})),
    callback: new SfnTaskCallback(new SFNClient({})),
  }),
).use(obs.middlewares);
