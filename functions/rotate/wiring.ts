import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { EventBridgePublisher } from '../../lib/adapters/eventbridge/event-publisher.js';
import { StsCredentialChecker } from '../../lib/adapters/iam/credential-checker.js';
import { SdkIamAdmin } from '../../lib/adapters/iam/iam-admin.js';
import { EventBridgeKeyRetirementScheduler } from '../../lib/adapters/scheduler/key-retirement-scheduler.js';
import { SecretsManagerVault } from '../../lib/adapters/secrets-manager/secret-vault.js';
import { systemClock } from '../../lib/adapters/system.js';
import { decisionReadScope, loadEnv } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import { DEFAULT_PROVISION_LIMITS } from '../../lib/domain/provisioning/provision.js';
import { RetireKey } from '../../lib/domain/rotation/key-retirement.js';
import { DEFAULT_IN_PROGRESS_WAIT, RotateOnDecision } from '../../lib/domain/rotation/on-demand.js';
import { DEFAULT_ROTATION_LIMITS, RotateAccessKeySecret } from '../../lib/domain/rotation/rotate-secret.js';
import type { RotateHandlerDeps } from './build-handler.js';
import { RotateEnv } from './schema.js';

/** Production wiring: clients once per container, environment checked at cold start. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RotateHandlerDeps {
  const e = loadEnv(RotateEnv, env);
  const dynamo = new DynamoDBClient({});
  const doc = documentClient(dynamo);
  const vault = new SecretsManagerVault(new SecretsManagerClient({}));
  const findings = new DynamoFindingStore(doc, e[ENV.findingsTable]);
  const clock = systemClock;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const iam = new SdkIamAdmin(new IAMClient({}));
  const retireKey = new RetireKey({
    iam,
    vault,
    scheduler: new EventBridgeKeyRetirementScheduler(new SchedulerClient({}), {
      groupName: e[FUNCTION_ENV.keyScheduleGroupName],
      functionArn: e[FUNCTION_ENV.rotateFunctionArn],
      roleArn: e[FUNCTION_ENV.keySchedulerRoleArn],
    }),
    findings,
    clock,
    sleep,
    config: {
      callRetry: DEFAULT_ROTATION_LIMITS.callRetry,
      deactivateDelayHours: e[FUNCTION_ENV.keyDeactivateDelayHours],
      deleteGraceDays: e[FUNCTION_ENV.keyDeleteGraceDays],
    },
  });
  return {
    retireKey,
    rotation: new RotateAccessKeySecret({
      iam,
      vault,
      sts: new StsCredentialChecker(),
      events: new EventBridgePublisher(new EventBridgeClient({}), e[FUNCTION_ENV.eventBusName]),
      findings,
      clock,
      sleep,
      config: DEFAULT_ROTATION_LIMITS,
      retirement: retireKey,
    }),
    onDemand: new RotateOnDecision({
      account: e[FUNCTION_ENV.accountId],
      decisions: new DynamoDecisionStore(
        doc,
        e[ENV.decisionsTable],
        decisionReadScope(e[FUNCTION_ENV.decisionsReadScope], e[FUNCTION_ENV.accountId]),
      ),
      trail: new DynamoExecutionTrail(doc, e[ENV.executionsTable]),
      findings,
      vault,
      clock,
      sleep,
      config: {
        secretPrefix: e[FUNCTION_ENV.secretPrefix],
        executor: e[FUNCTION_ENV.executorPrincipal],
        callRetry: DEFAULT_PROVISION_LIMITS.callRetry,
        maxInvocationAttempts: DEFAULT_PROVISION_LIMITS.maxInvocationAttempts,
        inProgressWait: DEFAULT_IN_PROGRESS_WAIT,
      },
    }),
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: e[ENV.idempotencyTable],
      awsSdkV3Client: dynamo,
    }),
  };
}
