import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { DynamoCampaignStore } from '../../lib/adapters/dynamodb/campaign-store.js';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { S3EvidenceArchive } from '../../lib/adapters/s3/evidence-archive.js';
import { systemClock } from '../../lib/adapters/system.js';
import { loadEnv, required } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { loadPolicyJsonFile } from '../../lib/config/policy-source.js';
import { ENV } from '../../lib/config/tables.js';
import { EVIDENCE_PERIODS } from '../../lib/domain/evidence/period.js';
import type { EvidenceHandlerDeps } from './build-handler.js';

export const EvidenceEnv = z.object({
  [ENV.decisionsTable]: required(),
  [ENV.executionsTable]: required(),
  [ENV.findingsTable]: required(),
  [FUNCTION_ENV.evidenceBucketName]: required(),
  [FUNCTION_ENV.evidencePeriod]: z.enum(EVIDENCE_PERIODS),
  [FUNCTION_ENV.policyFile]: required(),
});

/** The Lambda's dependencies, built once per cold start from the environment. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EvidenceHandlerDeps {
  const config = loadEnv(EvidenceEnv, env);
  const doc = documentClient(new DynamoDBClient({}));
  const policyPath = config[FUNCTION_ENV.policyFile];
  const policy = loadPolicyJsonFile(policyPath);
  return {
    sources: {
      decisions: new DynamoDecisionStore(doc, config[ENV.decisionsTable]),
      executions: new DynamoExecutionTrail(doc, config[ENV.executionsTable]),
      findings: new DynamoFindingStore(doc, config[ENV.findingsTable]),
      campaigns: new DynamoCampaignStore(doc, config[ENV.decisionsTable]),
    },
    archive: new S3EvidenceArchive(new S3Client({}), config[FUNCTION_ENV.evidenceBucketName]),
    policy: {
      version: policy.version,
      source: 'policy (bundled, JSON)',
      text: readFileSync(policyPath, 'utf8'),
    },
    period: config[FUNCTION_ENV.evidencePeriod],
    clock: systemClock,
    source: `tables:${config[ENV.decisionsTable]},${config[ENV.executionsTable]},${config[ENV.findingsTable]}`,
  };
}
