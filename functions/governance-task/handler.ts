// AWS permissions: declared once, as typed data, in lib/config/permissions/governance-task.ts (actions, resources,
// conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
// holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE, TASK_REQUESTER_ARNS (comma-separated workflow role
//   ARNs: the only requesters this entry accepts).
// Invoked by a Step Functions task with `.waitForTaskToken`; infra sets Parameters to
//   { "taskToken.$": "$$.Task.Token", "request.$": "$.request", "requester": "<state machine role ARN>" }.
// Anyone allowed to invoke the function directly could put any `requester` in the payload, so it is checked
// against TASK_REQUESTER_ARNS before anything is written.
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type TaskDeps, type TaskResult } from './build-handler.js';

const obs = observability('governance-task');

export const handler = middy(
  buildHandler({ ...defaultDeps(), warn: (message, details) => obs.logger.warn(message, details) }),
).use(obs.middlewares);
