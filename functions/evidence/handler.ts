// AWS permissions this function needs (least privilege, read by infra/constructs/evidence.ts):
//   dynamodb:Query on the decisions, executions and findings tables and their indexes (the reports'
//     own queries: by status, by expiry, by day; never a Scan, never a write);
//   s3:PutObject on `<evidence bucket>/evidence/*`, only with an `If-None-Match` header (new objects
//     only). Nothing else of S3: no GetObject, no DeleteObject or DeleteObjectVersion, no
//     PutObjectRetention, no BypassGovernanceRetention (the bucket's default retention applies).
// Environment: DECISIONS_TABLE_NAME, EXECUTIONS_TABLE_NAME, FINDINGS_TABLE_NAME, EVIDENCE_BUCKET_NAME,
// EVIDENCE_PERIOD (month, week or day), POLICY_FILE (the policy copied into the bundle).
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
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
import { collectEvidence, type EvidenceSources } from '../../lib/domain/evidence/collect.js';
import {
  archivePrefix,
  EVIDENCE_PERIODS,
  type EvidencePeriodUnit,
  previousPeriod,
} from '../../lib/domain/evidence/period.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { buildEvidencePackage, type PolicyInForce } from '../../lib/evidence/package.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { EvidenceArchive } from '../../lib/ports/evidence-archive.js';
import { observability } from '../shared/observability.js';
import { EvidenceEvent } from './schema.js';

export const EvidenceEnv = z.object({
  [ENV.decisionsTable]: required(),
  [ENV.executionsTable]: required(),
  [ENV.findingsTable]: required(),
  [FUNCTION_ENV.evidenceBucketName]: required(),
  [FUNCTION_ENV.evidencePeriod]: z.enum(EVIDENCE_PERIODS),
  [FUNCTION_ENV.policyFile]: required(),
});

export interface EvidenceHandlerDeps {
  readonly sources: EvidenceSources;
  readonly archive: EvidenceArchive;
  readonly policy: PolicyInForce;
  readonly period: EvidencePeriodUnit;
  readonly clock: Clock;
  /** Where the data came from, as the manifest records it. */
  readonly source: string;
}

/** What the function returns and logs: where the package went and its digest, never its content. */
export interface EvidenceSummary {
  readonly from: string;
  readonly to: string;
  readonly prefix: string;
  readonly files: number;
  readonly packageDigest: string;
  readonly rows: Readonly<Record<string, number>>;
}

/** The scheduled evidence run: the previous period's package, written once to the evidence bucket. */
export function buildHandler(deps: EvidenceHandlerDeps) {
  return async (event: unknown): Promise<EvidenceSummary> => {
    const input = parseOrThrow(EvidenceEvent, event, 'evidence event');
    const now = deps.clock.now();
    const period =
      input?.from && input.to
        ? { since: new Date(input.from).toISOString(), until: new Date(input.to).toISOString() }
        : previousPeriod(now, deps.period);
    const data = await collectEvidence(deps.sources, period, { now });
    const pkg = buildEvidencePackage({
      data,
      policies: [deps.policy],
      source: deps.source,
      generator: 'nhi-gov evidence function',
    });
    const prefix = archivePrefix(period, data.generatedAt);
    await deps.archive.putPackage(prefix, pkg.files, { packageDigest: pkg.manifest.packageDigest });
    return {
      from: period.since,
      to: period.until,
      prefix,
      files: pkg.files.size,
      packageDigest: pkg.manifest.packageDigest,
      rows: pkg.rows,
    };
  };
}

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

const obs = observability('evidence');

const run = buildHandler(defaultDeps());

export const handler = middy(async (event: unknown) => {
  const summary = await run(event);
  obs.logger.info('evidence package written', { ...summary });
  return summary;
}).use(obs.middlewares);
