// AWS permissions: declared once, as typed data, in lib/config/permissions/governance-callback.ts (actions, resources,
// conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
// holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
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
