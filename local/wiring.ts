/**
 * local/: the local loop's composition root. Lambda wires each function's `buildHandler` to the AWS
 * SDK adapters (functions/<name>/handler.ts); this folder wires the SAME `buildHandler`s to the
 * sandbox (lib/adapters/sandbox: IAM, Secrets Manager and Scheduler in files under .nhi-gov/sandbox)
 * and to the embedded store, and runs them from the local event pipeline
 * (lib/adapters/local-bus/local-pipeline.ts), which applies the deployed pipe and rule definitions
 * (lib/config/event-routes.ts). lib/ never imports this folder.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { buildHandler as buildCallback } from '../functions/governance-callback/build-handler.js';
import { buildHandler as buildEvents } from '../functions/governance-events/build-handler.js';
import { buildHandler as buildProvision } from '../functions/provision/build-handler.js';
import { buildHandler as buildRotate } from '../functions/rotate/build-handler.js';
import type { Observability } from '../functions/shared/observability.js';
import { DynamoCampaignStore } from '../lib/adapters/dynamodb/campaign-store.js';
import { EventBridgePublisher } from '../lib/adapters/eventbridge/event-publisher.js';
import { type Delivery, type Invoke, LocalPipeline } from '../lib/adapters/local-bus/local-pipeline.js';
import type { StreamCheckpoints } from '../lib/adapters/local-bus/stream-reader.js';
import type { LocalSandbox } from '../lib/adapters/sandbox/local-sandbox.js';
import { JsonFileState, type StateStore } from '../lib/adapters/sandbox/state-file.js';
import { EventBridgeKeyRetirementScheduler } from '../lib/adapters/scheduler/key-retirement-scheduler.js';
import { EventBridgeRevokeScheduler } from '../lib/adapters/scheduler/revoke-scheduler.js';
import { ulidGenerator } from '../lib/adapters/system.js';
import type { Stores } from '../lib/cli/local-store.js';
import { busRoutes, type RouteTarget } from '../lib/config/event-routes.js';
import {
  DEFAULT_KEY_SCHEDULE_GROUP,
  DEFAULT_SCHEDULE_GROUP,
  DEFAULT_SECRET_PREFIX,
  METRICS_NAMESPACE,
} from '../lib/config/functions.js';
import { createGovernance } from '../lib/domain/governance/index.js';
import type { Policy } from '../lib/domain/policy/schema.js';
import { DEFAULT_PROVISION_LIMITS, ProvisionDecision } from '../lib/domain/provisioning/provision.js';
import { DEFAULT_KEY_RETIREMENT, RetireKey } from '../lib/domain/rotation/key-retirement.js';
import { DEFAULT_IN_PROGRESS_WAIT, RotateOnDecision } from '../lib/domain/rotation/on-demand.js';
import { DEFAULT_ROTATION_LIMITS, RotateAccessKeySecret } from '../lib/domain/rotation/rotate-secret.js';
import type { Clock } from '../lib/ports/clock.js';
import type { TaskCallback } from '../lib/ports/task-callback.js';

const REGION = 'us-east-1';

/** The names the deployed stack gives its pieces, in the sandbox account. */
export function localNames(accountId: string) {
  return {
    boundaryArn: `arn:aws:iam::${accountId}:policy/nhi-gov-boundary`,
    provisionRole: `arn:aws:iam::${accountId}:role/nhi-gov/nhi-gov-provision`,
    rotateRole: `arn:aws:iam::${accountId}:role/nhi-gov/nhi-gov-rotate`,
    rotateFunction: `arn:aws:lambda:${REGION}:${accountId}:function:nhi-gov-rotate-${REGION}`,
    busArn: `arn:aws:events:${REGION}:${accountId}:event-bus/nhi-gov`,
    schedulerRole: `arn:aws:iam::${accountId}:role/nhi-gov/nhi-gov-scheduler`,
    keySchedulerRole: `arn:aws:iam::${accountId}:role/nhi-gov/nhi-gov-key-scheduler`,
  } as const;
}

/** Powertools without output: the CLI prints its own report, and stdout carries only the result. */
class UncountedMetrics extends Metrics {
  override addMetric(): this {
    return this;
  }
}
function quiet(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName, logLevel: 'SILENT' }),
    metrics: new UncountedMetrics({ serviceName, namespace: METRICS_NAMESPACE }),
    middlewares: [],
  };
}

/** What Lambda hands a function besides the event (Powertools idempotency reads the remaining time). */
function lambdaContext(functionName: string, functionArn: string, remainingMs = 120_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Local mode has no Step Functions: decisions filed locally never carry a task token to answer. */
const noStepFunctions: TaskCallback = {
  succeed: async () => {
    throw new Error('local mode has no Step Functions workflow to answer');
  },
  fail: async () => {
    throw new Error('local mode has no Step Functions workflow to answer');
  },
};

export interface LocalLoopOptions {
  readonly home: string;
  readonly stores: Stores;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly sandbox: LocalSandbox;
  /** Where stream positions are kept (default .nhi-gov/pipeline/checkpoints.json). */
  readonly checkpoints?: StateStore<StreamCheckpoints>;
  readonly deadLetters?: StateStore<Delivery[]>;
  /** Pauses between retries of one AWS call (none by default: the sandbox answers at once). */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * What an invocation reports as its remaining time (default 120 s, the executors' timeout). Powertools
   * keeps an in-progress idempotency record that long when an invocation dies; the soak shortens it to
   * stand for Lambda's retry delays (1 and 2 minutes), which outlast a 2-minute function's record.
   */
  readonly lambdaRemainingTimeMs?: number;
  /** Wraps the functions the rules invoke (the soak injects duplicated, delayed and forged deliveries). */
  readonly wrapTargets?: (
    targets: Readonly<Record<RouteTarget, Invoke>>,
  ) => Readonly<Record<RouteTarget, Invoke>>;
}

/** The pipeline files under the local home. */
export function pipelinePaths(home: string) {
  const dir = join(home, 'pipeline');
  return { dir, checkpoints: join(dir, 'checkpoints.json'), deadLetters: join(dir, 'dead-letters.json') };
}

/**
 * The deployed provision, rotate, governance-events and governance-callback handlers, wired to the
 * sandbox and the embedded store, behind the local event pipeline.
 */
export function localPipeline(options: LocalLoopOptions): LocalPipeline {
  const { stores, sandbox, clock, policy } = options;
  const names = localNames(sandbox.accountId);
  const ports = sandbox.ports();
  const sleep = options.sleep ?? (async () => undefined);
  const paths = pipelinePaths(options.home);
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: stores.names.idempotency,
    awsSdkV3Client: stores.client,
  });
  const managedPath = policy.document.managedPath;
  const governance = createGovernance({
    decisions: stores.decisions,
    campaigns: new DynamoCampaignStore(stores.doc, stores.names.decisions),
    policy,
    clock,
    ids: ulidGenerator,
  });

  const provision = buildProvision({
    provision: new ProvisionDecision({
      // As deployed (ACCOUNT_ID): the executors act in the sandbox account only.
      account: sandbox.accountId,
      decisions: stores.decisions,
      trail: stores.executions,
      findings: stores.findings,
      iam: ports.iam,
      policies: ports.policies,
      vault: ports.vault,
      scheduler: new EventBridgeRevokeScheduler(ports.schedulerClient, {
        groupName: DEFAULT_SCHEDULE_GROUP,
        eventBusArn: names.busArn,
        roleArn: names.schedulerRole,
      }),
      clock,
      sleep,
      config: {
        guardrails: {
          managedPath,
          permissionsBoundaryArn: names.boundaryArn,
          secretPrefix: DEFAULT_SECRET_PREFIX,
        },
        executor: names.provisionRole,
        ...DEFAULT_PROVISION_LIMITS,
      },
    }),
    persistenceStore,
    observability: quiet('provision'),
  });

  let pipeline: LocalPipeline | undefined;
  const retireKey = new RetireKey({
    iam: ports.iam,
    vault: ports.vault,
    scheduler: new EventBridgeKeyRetirementScheduler(ports.schedulerClient, {
      groupName: DEFAULT_KEY_SCHEDULE_GROUP,
      functionArn: names.rotateFunction,
      roleArn: names.keySchedulerRole,
    }),
    findings: stores.findings,
    clock,
    sleep,
    config: {
      callRetry: DEFAULT_ROTATION_LIMITS.callRetry,
      deactivateDelayHours: DEFAULT_KEY_RETIREMENT.deactivateDelayHours,
      deleteGraceDays: DEFAULT_KEY_RETIREMENT.deleteGraceDays,
    },
  });
  const rotate = buildRotate({
    retireKey,
    rotation: new RotateAccessKeySecret({
      iam: ports.iam,
      vault: ports.vault,
      sts: ports.sts,
      events: new EventBridgePublisher(
        { send: (command: never) => (pipeline as LocalPipeline).busClient().send(command) } as never,
        'nhi-gov',
      ),
      findings: stores.findings,
      clock,
      sleep,
      config: DEFAULT_ROTATION_LIMITS,
      retirement: retireKey,
    }),
    onDemand: new RotateOnDecision({
      account: sandbox.accountId,
      decisions: stores.decisions,
      trail: stores.executions,
      findings: stores.findings,
      vault: ports.vault,
      clock,
      sleep,
      config: {
        secretPrefix: DEFAULT_SECRET_PREFIX,
        executor: names.rotateRole,
        callRetry: DEFAULT_PROVISION_LIMITS.callRetry,
        maxInvocationAttempts: DEFAULT_PROVISION_LIMITS.maxInvocationAttempts,
        inProgressWait: DEFAULT_IN_PROGRESS_WAIT,
      },
    }),
    persistenceStore,
    observability: quiet('rotate'),
  });
  const events = buildEvents({ governance });
  const callback = buildCallback({ governance, callback: noStepFunctions });

  const targets: Record<'provision' | 'rotate' | 'governance-events' | 'governance-callback', Invoke> = {
    provision: (event) =>
      provision(
        event,
        lambdaContext('nhi-gov-provision', names.provisionRole, options.lambdaRemainingTimeMs),
      ),
    rotate: (event) =>
      rotate(
        event,
        lambdaContext(`nhi-gov-rotate-${REGION}`, names.rotateFunction, options.lambdaRemainingTimeMs),
      ),
    'governance-events': (event) => events(event),
    'governance-callback': (event) => callback(event),
  };
  pipeline = new LocalPipeline({
    dynamo: stores.client,
    names: stores.names,
    checkpoints: options.checkpoints ?? new JsonFileState<StreamCheckpoints>(paths.checkpoints),
    deadLetters: options.deadLetters ?? new JsonFileState<Delivery[]>(paths.deadLetters),
    sandbox,
    clock,
    routes: busRoutes((policy.document.ticketing ?? []).map((t) => t.source)),
    targets: options.wrapTargets ? options.wrapTargets(targets) : targets,
  });
  return pipeline;
}
