import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { SdkIamAdmin } from '../../lib/adapters/iam/iam-admin.js';
import { IamPolicyDocuments } from '../../lib/adapters/iam/policy-documents.js';
import { EventBridgeRevokeScheduler, eventBusArn } from '../../lib/adapters/scheduler/revoke-scheduler.js';
import { SecretsManagerVault } from '../../lib/adapters/secrets-manager/secret-vault.js';
import { systemClock } from '../../lib/adapters/system.js';
import { decisionReadScope, loadEnv } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import { DEFAULT_PROVISION_LIMITS, ProvisionDecision } from '../../lib/domain/provisioning/provision.js';
import type { ProvisionHandlerDeps } from './build-handler.js';
import { ProvisionEnv } from './schema.js';

/** Production wiring: clients once per container, environment checked at cold start. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProvisionHandlerDeps {
  const e = loadEnv(ProvisionEnv, env);
  const dynamo = new DynamoDBClient({});
  const doc = documentClient(dynamo);
  const iamClient = new IAMClient({});
  const deadLetterArn = e[FUNCTION_ENV.scheduleDeadLetterArn];
  const account = e[FUNCTION_ENV.accountId];
  const provision = new ProvisionDecision({
    account,
    decisions: new DynamoDecisionStore(
      doc,
      e[ENV.decisionsTable],
      decisionReadScope(e[FUNCTION_ENV.decisionsReadScope], account),
    ),
    trail: new DynamoExecutionTrail(doc, e[ENV.executionsTable]),
    findings: new DynamoFindingStore(doc, e[ENV.findingsTable]),
    iam: new SdkIamAdmin(iamClient),
    policies: new IamPolicyDocuments(iamClient),
    vault: new SecretsManagerVault(new SecretsManagerClient({})),
    scheduler: new EventBridgeRevokeScheduler(new SchedulerClient({}), {
      groupName: e[FUNCTION_ENV.scheduleGroupName],
      eventBusArn: eventBusArn(e[FUNCTION_ENV.eventBusName], e.AWS_REGION, e[FUNCTION_ENV.schedulerRoleArn]),
      roleArn: e[FUNCTION_ENV.schedulerRoleArn],
      ...(deadLetterArn ? { deadLetterArn } : {}),
    }),
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    config: {
      guardrails: {
        managedPath: e[FUNCTION_ENV.managedPath],
        permissionsBoundaryArn: e[FUNCTION_ENV.permissionsBoundaryArn],
        secretPrefix: e[FUNCTION_ENV.secretPrefix],
      },
      executor: e[FUNCTION_ENV.executorPrincipal],
      ...DEFAULT_PROVISION_LIMITS,
    },
  });
  return {
    provision,
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: e[ENV.idempotencyTable],
      awsSdkV3Client: dynamo,
    }),
  };
}
