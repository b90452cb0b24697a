// AWS permissions: declared once, as typed data, in lib/config/permissions/evidence.ts (actions, resources,
// conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
// holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
// Environment: DECISIONS_TABLE_NAME, EXECUTIONS_TABLE_NAME, FINDINGS_TABLE_NAME, EVIDENCE_BUCKET_NAME,
// EVIDENCE_PERIOD (month, week or day), POLICY_FILE (the policy copied into the bundle).
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type EvidenceHandlerDeps, type EvidenceSummary } from './build-handler.js';

const obs = observability('evidence');

const run = buildHandler(defaultDeps());

export const handler = middy(async (event: unknown) => {
  const summary = await run(event);
  obs.logger.info('evidence package written', { ...summary });
  return summary;
}).use(obs.middlewares);
