// AWS permissions: declared once, as typed data, in lib/config/permissions/governance-api.ts (actions, resources,
// conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
// holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
// Environment: DECISIONS_TABLE_NAME, POLICY_FILE (the policy copied into the bundle).
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { type ApiDeps, buildHandler } from './build-handler.js';

const obs = observability('governance-api');

export const handler = middy(
  buildHandler({ ...defaultDeps(), logError: (message, error) => obs.logger.error(message, error as Error) }),
).use(obs.middlewares);
