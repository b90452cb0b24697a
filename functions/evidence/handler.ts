// AWS permissions this function needs (least privilege, read by infra/constructs/evidence.ts):
//   dynamodb:Query on the decisions, executions and findings tables and their indexes (the reports'
//     own queries: by status, by expiry, by day; never a Scan, never a write);
//   s3:PutObject on `<evidence bucket>/evidence/*`, only with an `If-None-Match` header (new objects
//     only). Nothing else of S3: no GetObject, no DeleteObject or DeleteObjectVersion, no
//     PutObjectRetention, no BypassGovernanceRetention (the bucket's default retention applies).
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
