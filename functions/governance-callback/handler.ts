// AWS permissions this function needs (least privilege, read by infra/):
//   dynamodb:GetItem and dynamodb:UpdateItem on the decisions table (UpdateItem only removes a used
//   task token; it never changes a decision's version or status);
//   states:SendTaskSuccess, states:SendTaskFailure.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE.
// Triggered by an EventBridge rule on source "nhi-gov", detail-type DecisionApproved | DecisionRejected |
// DecisionCancelled only (DecisionRevoked / DecisionExpired never reach it). The stored decision is
// re-read, so it may already be revoked or expired when a late event arrives: that still fails the task.
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type CallbackDeps, type CallbackResult } from './build-handler.js';

const obs = observability('governance-callback');

export const handler = middy(buildHandler(defaultDeps())).use(obs.middlewares);
