import type { TaskAnswer, TaskCallback } from '../../ports/task-callback.js';
import type { GovernanceDeps } from './deps.js';
import { parseId, publicDecision } from './deps.js';

/** What answering a waiting workflow did: answered it (and how), or skipped it (and why). */
export type WorkflowAnswer =
  | { readonly answered: 'success' | 'failure'; readonly answer: TaskAnswer; readonly decisionId: string }
  | { readonly skipped: string };

/** The Step Functions error a final, not approved decision fails the task with. */
const FAILURE_ERRORS: Partial<Record<string, string>> = {
  rejected: 'DecisionRejected',
  cancelled: 'DecisionCancelled',
  revoked: 'DecisionRevoked',
  expired: 'DecisionExpired',
};

/**
 * Answers the workflow waiting on a decision: success with the decision (without its token) when
 * approved, failure when rejected, cancelled, revoked or expired. The stored decision, re-read with a
 * consistent read, is the truth, not the event that prompted the call. Afterwards the token is removed
 * (without a version change): a replayed event finds no token, and a token Step Functions reports as
 * used or timed out counts as answered.
 * @throws ValidationError when `decisionId` is not a decision id.
 * @throws whatever the store or the callback throws (the caller retries; nothing is half-answered that
 * a retry cannot finish: the token is removed only after the answer).
 */
export async function answerWorkflow(
  deps: GovernanceDeps,
  callback: TaskCallback,
  decisionId: string,
): Promise<WorkflowAnswer> {
  const decision = await deps.decisions.get(parseId(decisionId, 'decision id'), { consistent: true });
  if (!decision) return { skipped: `decision ${decisionId} does not exist` };
  const token = decision.taskToken;
  if (!token) return { skipped: `decision ${decision.id} has no waiting workflow` };
  if (decision.status === 'pending') return { skipped: `decision ${decision.id} is still pending` };
  let result: WorkflowAnswer;
  if (decision.status === 'approved') {
    const answer = await callback.succeed(token, publicDecision(decision));
    result = { answered: 'success', answer, decisionId: decision.id };
  } else {
    const error = FAILURE_ERRORS[decision.status] ?? 'DecisionNotApproved';
    const answer = await callback.fail(
      token,
      error,
      `decision ${decision.id} was ${decision.status}${decision.statusReason ? `: ${decision.statusReason}` : ''}`,
    );
    result = { answered: 'failure', answer, decisionId: decision.id };
  }
  await deps.decisions.clearTaskToken(decision.id, token);
  return result;
}
