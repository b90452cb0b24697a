import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { DynamoCampaignStore } from '../../lib/adapters/dynamodb/campaign-store.js';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { IamPolicyDocuments } from '../../lib/adapters/iam/policy-documents.js';
import { systemClock, ulidGenerator } from '../../lib/adapters/system.js';
import { loadEnv, required } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { loadPolicyJsonFile } from '../../lib/config/policy-source.js';
import { ENV } from '../../lib/config/tables.js';
import type { GovernanceDeps } from '../../lib/domain/governance/deps.js';
import { createGovernance, type Governance } from '../../lib/domain/governance/index.js';
import type { PolicyDocumentReader } from '../../lib/ports/policy-documents.js';

/** The environment every governance function reads: its table and the policy file in its bundle. */
export const GovernanceEnv = z.object({
  [ENV.decisionsTable]: required(),
  [FUNCTION_ENV.policyFile]: required(),
});

/** The decisions table's document client and name, and the deps the governance use cases run on. */
function baseFromEnv(
  client: DynamoDBClient,
  env: Readonly<Record<string, string | undefined>>,
  documents: PolicyDocumentReader | undefined,
) {
  const config = loadEnv(GovernanceEnv, env);
  const doc = documentClient(client);
  const table = config[ENV.decisionsTable];
  const deps: GovernanceDeps = {
    decisions: new DynamoDecisionStore(doc, table),
    policy: loadPolicyJsonFile(config[FUNCTION_ENV.policyFile]),
    clock: systemClock,
    ids: ulidGenerator,
    ...(documents ? { documents } : {}),
  };
  return { deps, doc, table };
}

/**
 * What the governance use cases run on, from the environment: the decisions table and the policy,
 * and, when given, the policy-document reader of the escalation analysis; never the campaign
 * store. For the functions that run one or two use cases (task, events, callback) and bind only
 * those, so their bundles carry neither the certification code nor, without grants to analyse
 * (callback), the IAM client (docs/performance.md, "Lean functions").
 * @throws ConfigError / ValidationError at cold start, naming every missing variable or policy problem.
 */
export function governanceDepsFromEnv(
  client: DynamoDBClient,
  env: Readonly<Record<string, string | undefined>>,
  documents?: PolicyDocumentReader,
): GovernanceDeps {
  return baseFromEnv(client, env, documents).deps;
}

/**
 * Every governance use case over DynamoDB, built from the environment (governance-api, the one entry
 * that runs them all). Fails at cold start, naming every missing variable or policy problem.
 */
export function governanceFromEnv(
  client: DynamoDBClient = new DynamoDBClient({}),
  env: Readonly<Record<string, string | undefined>> = process.env,
  iam: IAMClient = new IAMClient({}),
): Governance {
  // Read-only: the escalation analysis of grants reads policy documents (docs/escalation.md).
  const { deps, doc, table } = baseFromEnv(client, env, new IamPolicyDocuments(iam));
  return createGovernance({ ...deps, campaigns: new DynamoCampaignStore(doc, table) });
}
