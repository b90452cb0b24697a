import { randomUUID } from 'node:crypto';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { SdkIamAdmin } from '../../../lib/adapters/iam/iam-admin.js';
import { EventBridgeRevokeScheduler } from '../../../lib/adapters/scheduler/revoke-scheduler.js';
import { SecretsManagerVault } from '../../../lib/adapters/secrets-manager/secret-vault.js';
import type { Decision } from '../../../lib/domain/decision.js';
import type { ExecutionRecord } from '../../../lib/domain/execution.js';
import {
  DEFAULT_PROVISION_LIMITS,
  ProvisionDecision,
  type ProvisionDeps,
} from '../../../lib/domain/provisioning/provision.js';
import type { DecisionEvent } from '../../../lib/domain/provisioning/verify.js';
import type { ExecutionTrail } from '../../../lib/ports/execution-trail.js';
import { aDecision, BOB } from '../../support/builders.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';
import { FakeIam } from '../../support/fakes/iam.js';
import { FakeScheduler } from '../../support/fakes/scheduler.js';
import { FakeSecretsManager } from '../../support/fakes/secrets-manager.js';

export const BOUNDARY = 'arn:aws:iam::111122223333:policy/nhi-gov-boundary';
export const EXECUTOR = 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-provision';
export const BUS_ARN = 'arn:aws:events:us-east-1:111122223333:event-bus/nhi-gov';
export const SCHEDULER_ROLE = 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-scheduler';
export const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
export const DECIDED_AT = '2026-03-01T09:59:00.000Z';
export const NOW = '2026-03-01T10:00:00.000Z';
const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A Lambda context good enough for Powertools (idempotency reads the remaining time). */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'nhi-gov-provision',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-provision',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/nhi-gov-provision',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The EventBridge event the decisions pipe puts on the bus (version arrives as a string). */
export function decisionEvent(
  decision: Pick<Decision, 'id' | 'version' | 'kind' | 'identityKey'>,
  detailType: 'DecisionApproved' | 'DecisionRevoked' | 'DecisionExpired' = 'DecisionApproved',
  overrides: Record<string, unknown> = {},
) {
  const status = { DecisionApproved: 'approved', DecisionRevoked: 'revoked', DecisionExpired: 'expired' }[
    detailType
  ];
  return {
    version: '0',
    id: randomUUID(),
    source: 'nhi-gov',
    account: '111122223333',
    time: NOW.replace('.000Z', 'Z'),
    region,
    resources: [],
    'detail-type': detailType,
    detail: {
      schemaVersion: '1',
      decisionId: decision.id,
      version: String(decision.version),
      kind: decision.kind,
      status,
      identityKey: decision.identityKey,
      ...overrides,
    },
  };
}

/** What the provision use case receives for an approved decision: its verified `DecisionApproved` event. */
export function approvedEvent(
  decision: Pick<Decision, 'id' | 'version' | 'kind' | 'identityKey'>,
): DecisionEvent {
  return {
    detailType: 'DecisionApproved',
    schemaVersion: '1',
    decisionId: decision.id,
    version: decision.version,
    kind: decision.kind,
    status: 'approved',
    identityKey: decision.identityKey,
  };
}

/** An approved decision at version 2 (submitted, then approved by Bob). */
export function approved(overrides: Partial<Decision> = {}): Decision {
  const d = aDecision({
    status: 'approved',
    version: 2,
    decidedAt: DECIDED_AT,
    updatedAt: DECIDED_AT,
    ...overrides,
  });
  return {
    ...d,
    approvals: [{ approver: BOB, at: DECIDED_AT, basis: 'tier low' }],
    history: [...d.history, { at: DECIDED_AT, actor: BOB, action: 'approved', version: 2 }],
  };
}

/** A trail that dies (like a crashed Lambda) on chosen appends, before writing them. */
export class CrashingTrail implements ExecutionTrail {
  private appends = 0;
  constructor(
    private readonly inner: ExecutionTrail,
    private readonly crashOn: ReadonlySet<number>,
  ) {}
  async append(record: ExecutionRecord): Promise<void> {
    this.appends += 1;
    if (this.crashOn.has(this.appends)) throw new Error('Runtime exited: the function crashed');
    return this.inner.append(record);
  }
  listForDecision(id: string) {
    return this.inner.listForDecision(id);
  }
  listForIdentity(key: string) {
    return this.inner.listForIdentity(key);
  }
  listForDay(day: string) {
    return this.inner.listForDay(day);
  }
}

export interface Harness {
  readonly tables: TestTables;
  readonly decisions: DynamoDecisionStore;
  readonly trail: DynamoExecutionTrail;
  readonly findings: DynamoFindingStore;
  readonly persistence: DynamoDBPersistenceLayer;
  readonly iam: FakeIam;
  readonly sm: FakeSecretsManager;
  readonly scheduler: FakeScheduler;
  /** The use case with these fakes; `trail` may be swapped (crash tests). */
  provision(overrides?: Partial<ProvisionDeps>): ProvisionDecision;
  /** Moves the clock. */
  setNow(iso: string): void;
  restore(): void;
}

export async function harness(): Promise<Harness> {
  const tables = await createTestTables();
  const decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
  const trail = new DynamoExecutionTrail(tables.doc, tables.names.executions);
  const findings = new DynamoFindingStore(tables.doc, tables.names.findings);
  const persistence = new DynamoDBPersistenceLayer({
    tableName: tables.names.idempotency,
    awsSdkV3Client: tables.client,
  });
  let now = new Date(NOW);
  const iam = new FakeIam({ pageSize: 1, now: () => now });
  const sm = new FakeSecretsManager(region);
  const scheduler = new FakeScheduler();
  const iamClient = new IAMClient({ region, credentials });
  const smClient = new SecretsManagerClient({ region, credentials });
  const schedulerClient = new SchedulerClient({ region, credentials });
  return {
    tables,
    decisions,
    trail,
    findings,
    persistence,
    iam,
    sm,
    scheduler,
    provision: (overrides = {}) =>
      new ProvisionDecision({
        decisions,
        trail,
        findings,
        iam: new SdkIamAdmin(iamClient),
        vault: new SecretsManagerVault(smClient),
        scheduler: new EventBridgeRevokeScheduler(schedulerClient, {
          groupName: 'nhi-gov-jit',
          eventBusArn: BUS_ARN,
          roleArn: SCHEDULER_ROLE,
        }),
        clock: { now: () => new Date(now.getTime()) },
        sleep: async () => undefined,
        config: {
          guardrails: { managedPath: '/nhi/', permissionsBoundaryArn: BOUNDARY, secretPrefix: 'nhi-gov/' },
          executor: EXECUTOR,
          ...DEFAULT_PROVISION_LIMITS,
        },
        ...overrides,
      }),
    setNow: (iso) => {
      now = new Date(iso);
    },
    restore: () => {
      iam.restore();
      sm.restore();
      scheduler.restore();
      tables.client.destroy();
    },
  };
}
