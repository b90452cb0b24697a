/**
 * provision: applies approved decisions to IAM within the guardrails (docs/provisioning.md).
 *
 * Trigger: EventBridge rules on the suite's bus, `source: nhi-gov`, detail-type DecisionApproved
 * (kinds grant, break-glass, create-identity, delete-identity, revoke) and DecisionRevoked /
 * DecisionExpired (grant, break-glass). Asynchronous invoke: a thrown error is retried, then lands in
 * the function's dead-letter queue.
 *
 * AWS actions and resources it needs (everything else should be denied):
 * - dynamodb:GetItem on the decisions table (consistent re-read); dynamodb:Query on its `by-identity`
 *   index (other in-force grants of the same entitlement, when a grant ends). Never a write.
 * - dynamodb:PutItem, dynamodb:Query on the executions table (append-only: no UpdateItem/DeleteItem).
 * - dynamodb:GetItem, dynamodb:PutItem on the findings table (forged-event, provisioning-failed).
 * - dynamodb:GetItem, PutItem, UpdateItem, DeleteItem on the idempotency table.
 * - iam:GetRole, iam:GetUser on role/* and user/* (reading an identity outside the managed path is
 *   how the function refuses it with a clear reason; with the reads scoped to the path it fails with
 *   AccessDenied instead, which is still a refusal).
 * - On role<MANAGED_PATH>* and user<MANAGED_PATH>* only:
 *   iam:CreateRole, iam:CreateUser (condition iam:PermissionsBoundary = PERMISSIONS_BOUNDARY_ARN),
 *   iam:TagRole, iam:TagUser (CreateRole/CreateUser with Tags need them),
 *   iam:AttachRolePolicy, iam:DetachRolePolicy, iam:PutRolePolicy, iam:DeleteRolePolicy,
 *   iam:AttachUserPolicy, iam:DetachUserPolicy, iam:PutUserPolicy, iam:DeleteUserPolicy
 *   (condition iam:PermissionsBoundary = PERMISSIONS_BOUNDARY_ARN),
 *   iam:ListAttachedRolePolicies, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListInstanceProfilesForRole,
 *   iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy, iam:ListGroupsForUser,
 *   iam:GetLoginProfile, iam:DeleteLoginProfile, iam:ListAccessKeys, iam:CreateAccessKey,
 *   iam:DeleteAccessKey, iam:DeleteRole, iam:DeleteUser.
 * - iam:GetPolicy, iam:GetPolicyVersion on policy/* of the account and AWS-managed policies (read-only:
 *   an attach is refused when the managed policy's default version is not the one approved).
 * - iam:RemoveRoleFromInstanceProfile on the role and instance-profile/*; iam:RemoveUserFromGroup on
 *   the user and group/* (complete deletion of an identity).
 * - On user<MANAGED_PATH>* only, to delete a user completely (DeleteUser refuses while any remain):
 *   iam:ListMFADevices, iam:DeactivateMFADevice, iam:ListSigningCertificates,
 *   iam:DeleteSigningCertificate, iam:ListSSHPublicKeys, iam:DeleteSSHPublicKey,
 *   iam:ListServiceSpecificCredentials, iam:DeleteServiceSpecificCredential.
 * - iam:DeleteVirtualMFADevice on mfa/* (authorized on the device, whose path is its own, not the
 *   user's; IAM refuses it while the device is assigned, so only deactivated devices can go).
 * - secretsmanager:DescribeSecret, GetSecretValue, CreateSecret, PutSecretValue, RestoreSecret,
 *   DeleteSecret, TagResource on secret:<SECRET_PREFIX>*.
 * - scheduler:CreateSchedule, scheduler:DeleteSchedule on schedule/<SCHEDULE_GROUP_NAME>/*;
 *   iam:PassRole on SCHEDULER_ROLE_ARN (iam:PassedToService scheduler.amazonaws.com).
 * - Powertools: xray:PutTraceSegments, xray:PutTelemetryRecords; CloudWatch Logs.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { SdkIamAdmin } from '../../lib/adapters/iam/iam-admin.js';
import { IamPolicyDocuments } from '../../lib/adapters/iam/policy-documents.js';
import { EventBridgeRevokeScheduler, eventBusArn } from '../../lib/adapters/scheduler/revoke-scheduler.js';
import { SecretsManagerVault } from '../../lib/adapters/secrets-manager/secret-vault.js';
import { systemClock } from '../../lib/adapters/system.js';
import { loadEnv } from '../../lib/config/env.js';
import { FUNCTION_ENV } from '../../lib/config/functions.js';
import { ENV } from '../../lib/config/tables.js';
import {
  DEFAULT_PROVISION_LIMITS,
  ProvisionDecision,
  type ProvisionOutcome,
} from '../../lib/domain/provisioning/provision.js';
import type { DecisionEvent } from '../../lib/domain/provisioning/verify.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { type Observability, observability } from '../shared/observability.js';
import { rememberActedOn } from '../shared/remember-acted-on.js';
import { ProvisionEnv, ProvisionEvent } from './schema.js';

/** The outcomes idempotency may remember: verified and acted on. */
const REMEMBERED: ReadonlySet<ProvisionOutcome['status']> = new Set(['succeeded', 'already-complete']);

export interface ProvisionHandlerDeps {
  readonly provision: Pick<ProvisionDecision, 'admit' | 'execute'>;
  /** Powertools idempotency store (the idempotency table). */
  readonly persistenceStore: BasePersistenceLayer;
  readonly observability?: Observability;
}

/** The handler around a use case; tests pass their own dependencies. */
export function buildHandler(deps: ProvisionHandlerDeps) {
  const obs = deps.observability ?? observability('provision');
  const provisionOnce = rememberActedOn(deps.provision, deps.persistenceStore, REMEMBERED);

  const handle = async (event: unknown, context: Context): Promise<ProvisionOutcome> => {
    const parsed = parseOrThrow(ProvisionEvent, event, 'provision event');
    const input: DecisionEvent = { detailType: parsed['detail-type'], ...parsed.detail };
    obs.logger.appendKeys({ decisionId: input.decisionId, version: input.version });
    const outcome = await provisionOnce(input, context);
    if (outcome.status === 'forged' || outcome.status === 'ignored') {
      obs.metrics.addMetric('ForgedEvents', MetricUnit.Count, 1);
      obs.logger.warn('event not backed by its decision; nothing done, finding opened', {
        reason: outcome.reason,
      });
    } else if (outcome.status === 'succeeded') {
      obs.metrics.addMetric('ProvisioningLatency', MetricUnit.Milliseconds, outcome.latencyMs ?? 0);
      obs.logger.info('decision executed', { changes: outcome.changes, notes: outcome.notes });
    } else {
      obs.logger.info(`nothing to do: ${outcome.status}`, { reason: outcome.reason });
    }
    return outcome;
  };
  return middy(handle).use(obs.middlewares);
}

/** Production wiring: clients once per container, environment checked at cold start. */
export function defaultDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProvisionHandlerDeps {
  const e = loadEnv(ProvisionEnv, env);
  const dynamo = new DynamoDBClient({});
  const doc = documentClient(dynamo);
  const iamClient = new IAMClient({});
  const deadLetterArn = e[FUNCTION_ENV.scheduleDeadLetterArn];
  const provision = new ProvisionDecision({
    decisions: new DynamoDecisionStore(doc, e[ENV.decisionsTable]),
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

export const handler = buildHandler(defaultDeps());
