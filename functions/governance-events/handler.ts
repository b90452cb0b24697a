// AWS permissions: declared once, as typed data, in lib/config/permissions/governance-events.ts (actions, resources,
// conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
// holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE.
// Triggered by EventBridge rules: detail-type RevokeRequested with source "nhi-gov" (JIT schedules,
// scanners), and detail-type AccessRequested from the ticketing sources listed in the policy.
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type EventsDeps, type EventsResult } from './build-handler.js';

const obs = observability('governance-events');

export const handler = middy(
  buildHandler({ ...defaultDeps(), warn: (message, details) => obs.logger.warn(message, details) }),
).use(obs.middlewares);
