// AWS permissions this function needs (least privilege, read by infra/):
//   iam:GetAccountAuthorizationDetails, iam:GenerateCredentialReport, iam:GetCredentialReport
//     (read-only on IAM; resource `*`, as these actions support no resource scoping);
//   dynamodb:Query on the decisions table and its indexes (`<table>/index/*`);
//   dynamodb:Query on the executions table's indexes;
//   dynamodb:Query, dynamodb:BatchGetItem, dynamodb:BatchWriteItem, dynamodb:PutItem on the findings
//     table and its indexes;
//   events:PutEvents on the suite's bus (RevokeRequested for expired grants and exceptions);
//   only with context nhi-gov:securityHub (SECURITY_HUB_PRODUCT_ARN set): Security Hub's
//     BatchImportFindings on the account's default product ARN (test/infra/security-hub.test.ts).
// Never an IAM write action: expiry goes through governance as a system revoke request.
// Environment: DECISIONS_TABLE_NAME, EXECUTIONS_TABLE_NAME, FINDINGS_TABLE_NAME, EVENT_BUS_NAME,
// POLICY_FILE (the policy copied into the bundle), SECURITY_HUB_PRODUCT_ARN (optional).
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
