import * as z from 'zod';
import { DecisionEventDetail } from '../../lib/domain/events.js';
import type { Governance, WorkflowAnswer } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { TaskCallback } from '../../lib/ports/task-callback.js';

const DecisionEvent = z.object({ 'detail-type': z.string(), detail: DecisionEventDetail });

export interface CallbackDeps {
  /** Only the use case this function runs (the wiring binds nothing else, to keep the bundle small). */
  readonly governance: Pick<Governance, 'answerWorkflow'>;
  readonly callback: TaskCallback;
}

export type CallbackResult = WorkflowAnswer;

/**
 * Answers the workflow waiting on the decision the event names (the use case answerWorkflow re-reads
 * the decision: the event is only a prompt). Every error throws, so EventBridge and Lambda retry and
 * the dead-letter queue takes what is left (functions/shared/error-outcomes.ts).
 */
export function buildHandler(deps: CallbackDeps) {
  return async (event: unknown): Promise<CallbackResult> => {
    const { detail } = parseOrThrow(DecisionEvent, event, 'decision event');
    return deps.governance.answerWorkflow(detail.decisionId, deps.callback);
  };
}
