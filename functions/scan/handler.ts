// AWS permissions: declared once, as typed data, in lib/config/permissions/scan.ts (actions, resources,
// conditions, each with its reason). infra builds this function's role from it; test/infra/declared-permissions.test.ts
// holds the template to it and test/support/sdk-calls.ts holds every SDK call this handler makes in the tests to it.
// Never an IAM write action: expiry goes through governance as a system revoke request.
// Environment: DECISIONS_TABLE_NAME, EXECUTIONS_TABLE_NAME, FINDINGS_TABLE_NAME, EVENT_BUS_NAME,
// POLICY_FILE (the policy copied into the bundle). Security Hub: functions/security-hub-export.
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { emitScanMetrics } from './metrics.js';
import { defaultDeps } from './wiring.js';

export {
  buildHandler,
  RevokeFilingError,
  type ScanHandlerDeps,
  type ScanSummary,
} from './build-handler.js';

const obs = observability('scan');

export const handler = middy(
  buildHandler({
    ...defaultDeps(),
    record: (summary) => {
      emitScanMetrics(obs.metrics, summary);
      obs.logger.info('scan finished', { ...summary });
    },
  }),
).use(obs.middlewares);
