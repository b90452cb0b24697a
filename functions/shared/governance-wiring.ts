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
import { createGovernance, type Governance } from '../../lib/domain/governance/index.js';

/** The environment every governance function reads: its table and the policy file in its bundle. */
export const GovernanceEnv = z.object({
  [ENV.decisionsTable]: required(),
  [FUNCTION_ENV.policyFile]: required(),
});

/**
 * The governance use cases over DynamoDB, built from the environment (shared by the four governance
 * functions). Fails at cold start, naming every missing variable or policy problem.
 */
export function governanceFromEnv(
  client: DynamoDBClient = new DynamoDBClient({}),
  env: Readonly<Record<string, string | undefined>> = process.env,
  iam: IAMClient = new IAMClient({}),
): Governance {
  const config = loadEnv(GovernanceEnv, env);
  const doc = documentClient(client);
  const table = config[ENV.decisionsTable];
  return createGovernance({
    decisions: new DynamoDecisionStore(doc, table),
    campaigns: new DynamoCampaignStore(doc, table),
    policy: loadPolicyJsonFile(config[FUNCTION_ENV.policyFile]),
    clock: systemClock,
    ids: ulidGenerator,
    // Read-only: the escalation analysis of grants reads policy documents (docs/escalation.md).
    documents: new IamPolicyDocuments(iam),
  });
}
