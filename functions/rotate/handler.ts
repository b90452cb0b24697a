/**
 * rotate: Secrets Manager rotation function for the secrets that hold IAM user access keys
 * (createSecret / setSecret / testSecret / finishSecret), and on-demand rotation from approved
 * `rotate` decisions (docs/provisioning.md).
 *
 * Triggers: Secrets Manager (rotation of secrets named <SECRET_PREFIX>*; lambda:InvokeFunction for
 * secretsmanager.amazonaws.com), and an EventBridge rule on the suite's bus, `source: nhi-gov`,
 * detail-type DecisionApproved, detail.kind rotate (asynchronous: errors are retried, then the DLQ); and
 * EventBridge Scheduler one-time schedules (`KeyRetirementDue`) when a replaced key is due to be
 * deactivated or deleted (the state is re-checked: the event proves nothing).
 *
 * AWS actions and resources it needs (everything else should be denied):
 * - secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage,
 *   RotateSecret, TagResource, ListSecretVersionIds on secret:<SECRET_PREFIX>* (ListSecretVersionIds:
 *   when a rotation began, to tell its own leftover key from a key someone else made).
 * - lambda:InvokeFunction on this function itself: on-demand RotateSecret names this function as the
 *   rotation function, which Secrets Manager documents as needing the caller to be able to invoke it.
 *   Secrets Manager then invokes it through the function's resource policy (secretsmanager.amazonaws.com).
 * - iam:ListAccessKeys, iam:CreateAccessKey, iam:UpdateAccessKey, iam:DeleteAccessKey on
 *   user<MANAGED_PATH>*.
 * - sts:GetCallerIdentity needs no permission; it is signed with the NEW key under test.
 * - events:PutEvents on the suite's bus (SecretRotated).
 * - scheduler:CreateSchedule on schedule/<KEY_SCHEDULE_GROUP_NAME>/* (a replaced key's deactivation and
 *   deletion after its grace period); iam:PassRole on KEY_SCHEDULER_ROLE_ARN (iam:PassedToService
 *   scheduler.amazonaws.com), a role that can only invoke this function.
 * - dynamodb:GetItem on the decisions table (consistent re-read; never a write).
 * - dynamodb:PutItem, dynamodb:Query on the executions table (append-only).
 * - dynamodb:GetItem, dynamodb:PutItem on the findings table (forged-event, provisioning-failed,
 *   unmanaged-access-key); dynamodb:Query on its `by-identity` index (resolving unmanaged-access-key).
 * - dynamodb:GetItem, PutItem, UpdateItem, DeleteItem on the idempotency table.
 * - Powertools: xray:PutTraceSegments, xray:PutTelemetryRecords; CloudWatch Logs.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
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
import { loadEnv } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import { DEFAULT_PROVISION_LIMITS } from '../../lib/domain/provisioning/provision.js';
import type { DecisionEvent } from '../../lib/domain/provisioning/verify.js';
import {
  KeyRetirementEvent,
  type KeyRetirementOutcome,
  RetireKey,
} from '../../lib/domain/rotation/key-retirement.js';
import {
  DEFAULT_IN_PROGRESS_WAIT,
  type OnDemandRotationOutcome,
  RotateOnDecision,
} from '../../lib/domain/rotation/on-demand.js';
import {
  DEFAULT_ROTATION_LIMITS,
  RotateAccessKeySecret,
  type RotationStepResult,
} from '../../lib/domain/rotation/rotate-secret.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { type Observability, observability } from '../shared/observability.js';
import { rememberActedOn } from '../shared/remember-acted-on.js';
import { RotateDecisionEvent, RotateEnv, SecretsManagerRotationEvent } from './schema.js';

/** The outcomes idempotency may remember: verified and acted on. */
const REMEMBERED: ReadonlySet<OnDemandRotationOutcome['status']> = new Set([
  'started',
  'already-started',
  'already-complete',
]);

export interface RotateHandlerDeps {
  readonly rotation: Pick<RotateAccessKeySecret, 'handle'>;
  readonly onDemand: Pick<RotateOnDecision, 'admit' | 'execute'>;
  /** A replaced key's deactivation and deletion when its schedule fires. */
  readonly retireKey: Pick<RetireKey, 'handle'>;
  readonly persistenceStore: BasePersistenceLayer;
  readonly observability?: Observability;
}

/** The handler around the two use cases; tests pass their own dependencies. */
export function buildHandler(deps: RotateHandlerDeps) {
  const obs = deps.observability ?? observability('rotate');
  const rotateOnce = rememberActedOn(deps.onDemand, deps.persistenceStore, REMEMBERED);

  const handle = async (
    event: unknown,
    context: Context,
  ): Promise<RotationStepResult | OnDemandRotationOutcome | KeyRetirementOutcome> => {
    // Secrets Manager's rotation events carry `Step`; everything else must be a decision event.
    if (typeof event === 'object' && event !== null && 'Step' in event) {
      const step = parseOrThrow(SecretsManagerRotationEvent, event, 'rotation event');
      obs.logger.appendKeys({ secretId: step.SecretId, step: step.Step });
      const result = await deps.rotation.handle({
        step: step.Step,
        secretId: step.SecretId,
        token: step.ClientRequestToken,
      });
      obs.logger.info('rotation step done', { done: result.done });
      if (step.Step === 'finishSecret') obs.metrics.addMetric('SecretsRotated', MetricUnit.Count, 1);
      return result;
    }
    if (typeof event === 'object' && event !== null && 'kind' in event && event.kind === 'KeyRetirementDue') {
      const due = parseOrThrow(KeyRetirementEvent, event, 'key retirement event');
      obs.logger.appendKeys({ secretId: due.secretId, accessKeyId: due.accessKeyId, action: due.action });
      const outcome = await deps.retireKey.handle(due);
      obs.logger.info(`key retirement: ${outcome.status}`, {
        reason: 'reason' in outcome ? outcome.reason : undefined,
      });
      return outcome;
    }
    const parsed = parseOrThrow(RotateDecisionEvent, event, 'rotate decision event');
    const input: DecisionEvent = { detailType: parsed['detail-type'], ...parsed.detail };
    obs.logger.appendKeys({ decisionId: input.decisionId, version: input.version });
    const outcome = await rotateOnce(input, context, context.invokedFunctionArn);
    if (outcome.status === 'forged' || outcome.status === 'ignored') {
      obs.metrics.addMetric('ForgedEvents', MetricUnit.Count, 1);
      obs.logger.warn('event not backed by its decision; nothing done, finding opened', {
        reason: outcome.reason,
      });
    } else {
      obs.logger.info(`rotate decision: ${outcome.status}`, {
        secretId: outcome.secretId,
        reason: outcome.reason,
      });
    }
    return outcome;
  };
  return middy(handle).use(obs.middlewares);
}

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
      decisions: new DynamoDecisionStore(doc, e[ENV.decisionsTable]),
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

export const handler = buildHandler(defaultDeps());
