import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { IamPolicyDocuments } from '../../lib/adapters/iam/policy-documents.js';
import { fileSystemRevoke } from '../../lib/domain/governance/system-revoke.js';
import { submitTicketed } from '../../lib/domain/governance/ticketing.js';
import { governanceDepsFromEnv } from '../shared/governance-wiring.js';
import type { EventsDeps } from './build-handler.js';

/**
 * Production wiring: the two use cases this function runs (the system revoke, and ticketed requests
 * with the escalation analysis's read-only IAM client) over DynamoDB, from the environment (checked here).
 */
export function defaultDeps(env: Readonly<Record<string, string | undefined>> = process.env): EventsDeps {
  const deps = governanceDepsFromEnv(new DynamoDBClient({}), env, new IamPolicyDocuments(new IAMClient({})));
  return {
    governance: {
      fileSystemRevoke: (detail) => fileSystemRevoke(deps, detail),
      submitTicketed: (input) => submitTicketed(deps, input),
    },
  };
}
