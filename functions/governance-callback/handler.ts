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
import type { Governance, WorkflowAnswer } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { TaskCallback } from '../../lib/ports/task-callback.js';
import { governanceFromEnv } from '../shared/governance-wiring.js';
import { observability } from '../shared/observability.js';

const DecisionEvent = z.object({ 'detail-type': z.string(), detail: DecisionEventDetail });

export interface CallbackDeps {
  readonly governance: Governance;
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

/** Production wiring: the governance use cases over DynamoDB and Step Functions, from the environment. */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): CallbackDeps {
  return {
    governance: governanceFromEnv(new DynamoDBClient({}), env),
    callback: new SfnTaskCallback(new SFNClient({})),
  };
}

const obs = observability('governance-callback');

export const handler = middy(buildHandler(defaultDeps())).use(obs.middlewares);
