// AWS permissions: declared once, as typed data, in lib/config/permissions/security-hub-export.ts (actions,
// resources, conditions, each with its reason). infra builds this function's role from it;
// test/infra/declared-permissions.test.ts holds the template to it and test/support/sdk-calls.ts holds
// every SDK call this handler makes in the tests to it.
// Environment: FINDINGS_TABLE_NAME, SECURITY_HUB_PRODUCT_ARN (the account's default product).
// Triggered by an EventBridge rule on the suite's bus (source "nhi-gov", detail-type ScanCompleted), only
// when the stack has context nhi-gov:securityHub. Its own function so the scan's bundle does not carry
// the Security Hub client (172 KiB of ASFF shapes; docs/performance.md, "Lean functions").
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { observability } from '../shared/observability.js';
import { buildHandler } from './build-handler.js';
import { defaultDeps } from './wiring.js';

export { buildHandler, type SecurityHubExportDeps } from './build-handler.js';

const obs = observability('security-hub-export');

const run = buildHandler(defaultDeps());

export const handler = middy(async (event: unknown, context: { invokedFunctionArn?: string }) => {
  const outcome = await run(event, context);
  if ('skipped' in outcome) obs.logger.warn('scan not exported', { reason: outcome.skipped });
  else {
    obs.metrics.addMetric('FindingsExportedToSecurityHub', MetricUnit.Count, outcome.sent);
    obs.logger.info('scan exported to Security Hub', { ...outcome });
  }
  return outcome;
}).use(obs.middlewares);
