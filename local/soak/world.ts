import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SdkIamAdmin } from '../../lib/adapters/iam/iam-admin.js';
import { IamPolicyDocuments } from '../../lib/adapters/iam/policy-documents.js';
import type { Delivery, Invoke, LocalPipeline } from '../../lib/adapters/local-bus/local-pipeline.js';
import type { StreamCheckpoints } from '../../lib/adapters/local-bus/stream-reader.js';
import { SANDBOX_KEY, type SandboxAccount } from '../../lib/adapters/sandbox/iam-sandbox.js';
import {
  LocalSandbox,
  memoryStores,
  SandboxCredentialChecker,
} from '../../lib/adapters/sandbox/local-sandbox.js';
import { MemoryState, type StateStore } from '../../lib/adapters/sandbox/state-file.js';
import { SecretsManagerVault } from '../../lib/adapters/secrets-manager/secret-vault.js';
import { type Stores, storesFor } from '../../lib/cli/local-store.js';
import type { RouteTarget } from '../../lib/config/event-routes.js';
import type { TableNames } from '../../lib/config/tables.js';
import type { Policy } from '../../lib/domain/policy/schema.js';
import type { Clock } from '../../lib/ports/clock.js';
import { localPipeline } from '../wiring.js';
import type { FaultPlan } from './faults.js';
import type { SeededRandom } from './random.js';

/** Who is calling IAM right now: the delivery being handled, or a console change. */
export interface CallContext {
  readonly via: 'delivery' | 'console';
  readonly target?: RouteTarget;
  readonly decisionId?: string;
  readonly detailType?: string;
  readonly version?: number;
  /** A forged event the soak delivered before the real one: it must change nothing. */
  readonly forged?: boolean;
  /** IAM changes made so far in this delivery (the crash fault strikes the record written after one). */
  readonly state: { iamChanges: number };
}

/** One IAM call that changed the account. */
export interface Mutation {
  readonly context: CallContext | undefined;
  readonly command: string;
  readonly input: string;
}

interface MiddlewareStack {
  addRelativeTo(
    middleware: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { name: string; relation: 'before' | 'after'; toMiddleware: string },
  ): void;
  add(
    middleware: (
      next: (args: { input: unknown; request?: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: unknown; request?: unknown }) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority?: 'high' | 'low' },
  ): void;
}

const ITEM_OPERATIONS =
  /^(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactWriteItems|TransactGetItems|Get|Put|Update|Delete|BatchGet|BatchWrite|TransactWrite|TransactGet)Command$/;
const IAM_WRITES = /^(Attach|Detach|Put|Delete|Create|Update|Tag|Untag|Remove|Add|Deactivate)/;

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * The sandbox with faults: every IAM, Secrets Manager and Scheduler call passes the fault plan
 * before the sandbox answers (throttling, 5xx), an applied IAM write can lose its answer, and every
 * IAM call that changed the account is logged with the delivery that made it.
 */
export class FaultySandbox extends LocalSandbox {
  readonly mutations: Mutation[] = [];

  constructor(
    stores: ReturnType<typeof memoryStores>,
    options: { clock: Clock; random: SeededRandom },
    private readonly plan: FaultPlan,
    private readonly calls: AsyncLocalStorage<CallContext>,
  ) {
    super(stores, { clock: options.clock, random: (size) => options.random.bytes(size) });
  }

  override ports() {
    const iamClient = this.intercept(this.iam.client(), 'iam');
    return {
      iam: new SdkIamAdmin(iamClient),
      policies: new IamPolicyDocuments(iamClient),
      vault: new SecretsManagerVault(this.intercept(this.secrets.client(), 'secretsmanager')),
      schedulerClient: this.intercept(this.scheduler.client(), 'scheduler'),
      sts: new SandboxCredentialChecker(this.iam),
    };
  }

  /** A console change behind governance's back: logged as such, never faulted. */
  console(command: string, input: Record<string, unknown>): void {
    const context: CallContext = { via: 'console', state: { iamChanges: 0 } };
    this.calls.run(context, () => {
      const before = digest(this.iam.account());
      this.iam.call(command, input);
      if (digest(this.iam.account()) !== before)
        this.mutations.push({ context, command, input: JSON.stringify(input) });
    });
  }

  private intercept<C extends { middlewareStack: unknown }>(
    client: C,
    service: 'iam' | 'secretsmanager' | 'scheduler',
  ): C {
    (client.middlewareStack as MiddlewareStack).addRelativeTo(
      (next, context) => async (args) => {
        const fault = this.plan.awsCallFault(service);
        if (fault) throw fault;
        const command = (context.commandName ?? '').replace(/Command$/, '');
        if (service !== 'iam' || !IAM_WRITES.test(command)) return next(args);
        const before = digest(this.iam.account());
        const output = await next(args);
        if (digest(this.iam.account()) !== before) {
          const context = this.calls.getStore();
          if (context) context.state.iamChanges++;
          this.mutations.push({ context, command, input: JSON.stringify(args.input) });
        }
        const lost = this.plan.awsResponseLost();
        if (lost) throw lost;
        return output;
      },
      { name: 'nhiGovSoakFaults', relation: 'before', toMiddleware: 'nhiGovInProcess' },
    );
    return client;
  }
}

/**
 * A DynamoDB client for the executors' side with faults: a request refused before it reaches the
 * table (throttling, 5xx), a write applied whose answer is lost, and the crash of an executor after
 * its IAM change and before its execution record.
 */
export function faultyDynamo(
  client: DynamoDBClient,
  plan: FaultPlan,
  executionsTable: string,
  iamChangedInThisDelivery: () => boolean,
): DynamoDBClient {
  (client.middlewareStack as unknown as MiddlewareStack).add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      // The functions' item reads and writes; the pipes' own reads of the table (DescribeTable) are
      // AWS's side, which retries by itself.
      if (!ITEM_OPERATIONS.test(command)) return next(args);
      const fault = plan.dynamoFault();
      if (fault) throw fault;
      const isWrite = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/.test(
        command,
      );
      const input = args.input as { TableName?: string };
      if (command === 'PutItemCommand' && input.TableName === executionsTable && iamChangedInThisDelivery()) {
        const crash = plan.crashBeforeRecord();
        if (crash) throw crash;
      }
      const output = await next(args);
      if (isWrite) {
        const lost = plan.dynamoResponseLost();
        if (lost) throw lost;
      }
      return output;
    },
    { step: 'initialize', name: 'nhiGovSoakDynamoFaults', priority: 'high' },
  );
  return client;
}

/** Stream checkpoints that are sometimes lost: the record is read, and its event delivered, again. */
class LossyCheckpoints implements StateStore<StreamCheckpoints> {
  private readonly inner = new MemoryState<StreamCheckpoints>();
  constructor(private readonly plan: FaultPlan) {}
  load() {
    return this.inner.load();
  }
  save(state: StreamCheckpoints) {
    if (this.plan.checkpointLost()) return;
    this.inner.save(state);
  }
}

/** An event held back by a "delay" fault, delivered later (after newer events). */
interface HeldEvent {
  readonly target: RouteTarget;
  readonly event: unknown;
  attempts: number;
}

export interface SoakWorldOptions {
  readonly client: DynamoDBClient;
  readonly executorClient: DynamoDBClient;
  readonly names: TableNames;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly account: SandboxAccount;
  readonly plan: FaultPlan;
  readonly random: SeededRandom;
  /** Decision ids that exist but were never approved: forged approvals name them. */
  readonly unapprovedIds: () => readonly string[];
}

export interface SoakWorld {
  readonly stores: Stores;
  readonly sandbox: FaultySandbox;
  readonly pipeline: LocalPipeline;
  /** Deliveries the pipeline dead-lettered, and held events that failed every attempt. */
  readonly deadLetters: Delivery[];
  /** Every delivery that reached an executor (forged ones included), by outcome. */
  readonly forgedDeliveries: { refused: number; threw: number };
  /** Events that failed every attempt (dead-lettered), with their payload, for a redrive. */
  readonly deadEvents: { readonly target: RouteTarget; readonly event: unknown }[];
  /** Every delivery to a function and what it returned or threw, in order (for a person debugging). */
  readonly log: string[];
  /** Redelivers every dead-lettered event once, as an operator's redrive of the DLQ does; how many. */
  redrive(): Promise<number>;
  /** Delivers the events a "delay" fault held back, in a shuffled order. */
  releaseHeld(): Promise<void>;
  /** Events still held. */
  heldCount(): number;
}

const EXECUTOR_TARGETS: ReadonlySet<RouteTarget> = new Set(['provision', 'rotate']);
/** The remaining time the soak's invocations report (see LocalLoopOptions.lambdaRemainingTimeMs). */
export const IN_PROGRESS_MS = 40;
/** The pipeline's attempts per delivery (Lambda's asynchronous invoke: one try and two retries). */
const ATTEMPTS = 3;

export function buildSoakWorld(options: SoakWorldOptions): SoakWorld {
  const { plan, random } = options;
  const calls = new AsyncLocalStorage<CallContext>();
  const sandbox = new FaultySandbox(
    memoryStores(options.account),
    { clock: options.clock, random },
    plan,
    calls,
  );
  const stores = storesFor(options.client, options.names);
  const executorStores = storesFor(
    faultyDynamo(
      options.executorClient,
      plan,
      options.names.executions,
      () => (calls.getStore()?.state.iamChanges ?? 0) > 0,
    ),
    options.names,
  );
  const deadLetters: Delivery[] = [];
  const held: HeldEvent[] = [];
  const forgedDeliveries = { refused: 0, threw: 0 };

  const contextOf = (target: RouteTarget, event: unknown, forged = false): CallContext => {
    const detail = (event as { detail?: { decisionId?: unknown; version?: unknown } }).detail ?? {};
    return {
      via: 'delivery',
      target,
      ...(typeof detail.decisionId === 'string' ? { decisionId: detail.decisionId } : {}),
      detailType: String((event as { 'detail-type'?: unknown })['detail-type'] ?? ''),
      // The pipe's input template carries the version as DynamoDB's number text.
      ...(detail.version !== undefined && Number.isInteger(Number(detail.version))
        ? { version: Number(detail.version) }
        : {}),
      forged,
      state: { iamChanges: 0 },
    };
  };

  /** Failures per event id: the pipeline dead-letters an event after its third failed attempt. */
  const failures = new Map<string, number>();
  const deadEvents: HeldEvent[] = [];
  const log: string[] = [];
  const run = (invoke: Invoke, target: RouteTarget, event: unknown, forged = false) =>
    calls.run(contextOf(target, event, forged), () => invoke(event));
  const tracked =
    (target: RouteTarget, invoke: Invoke): Invoke =>
    async (event) => {
      const c = contextOf(target, event);
      try {
        const result = await invoke(event);
        log.push(
          `${target} ${c.detailType} ${c.decisionId} v${c.version} -> ${JSON.stringify(result)?.slice(0, 200)}`,
        );
        return result;
      } catch (error) {
        log.push(
          `${target} ${c.detailType} ${c.decisionId} v${c.version} threw ${String(error).slice(0, 200)}`,
        );
        // Lambda retries an asynchronous invocation after 1, then 2 minutes: longer than the
        // in-progress idempotency record a dead invocation leaves. The soak's invocations report
        // IN_PROGRESS_MS of remaining time, so waiting that long stands for the retry delay.
        await new Promise((r) => setTimeout(r, IN_PROGRESS_MS + 5));
        const id = `${target} ${String((event as { id?: unknown }).id)}`;
        const n = (failures.get(id) ?? 0) + 1;
        failures.set(id, n);
        if (n === ATTEMPTS) deadEvents.push({ target, event, attempts: n });
        throw error;
      }
    };

  const forge = (event: unknown): unknown => {
    const e = event as { detail?: Record<string, unknown> };
    const detail = { ...(e.detail ?? {}) };
    const unapproved = options.unapprovedIds();
    const variant = random.int(0, 2);
    if (variant === 0 && detail.version !== undefined)
      detail.version = String(Number(detail.version) + 1 + random.int(0, 3));
    else if (variant === 1 && unapproved.length > 0) detail.decisionId = random.pick(unapproved);
    else detail.decisionId = `01J${'Z'.repeat(23)}`;
    return { ...(event as object), id: `forged-${random.int(0, 1e9)}`, detail };
  };

  const wrap = (target: RouteTarget, invoke: Invoke): Invoke => {
    if (!EXECUTOR_TARGETS.has(target)) return tracked(target, (event) => run(invoke, target, event));
    return tracked(target, async (event) => {
      const fate = plan.eventFate();
      if (fate === 'forged-first') {
        try {
          const outcome = (await run(invoke, target, forge(event), true)) as { status?: string } | undefined;
          if (outcome?.status !== 'succeeded') forgedDeliveries.refused++;
        } catch {
          forgedDeliveries.threw++;
        }
      }
      if (fate === 'delay') {
        held.push({ target, event, attempts: 0 });
        return { status: 'accepted-later' };
      }
      if (fate === 'concurrent-duplicate') {
        const [a, b] = await Promise.allSettled([run(invoke, target, event), run(invoke, target, event)]);
        if (a.status === 'fulfilled') return a.value;
        if (b.status === 'fulfilled') return b.value;
        throw a.reason;
      }
      const first = await run(invoke, target, event);
      if (fate === 'duplicate') return run(invoke, target, event);
      return first;
    });
  };

  let rawTargets: Readonly<Record<RouteTarget, Invoke>> | undefined;
  const pipeline = localPipeline({
    home: '/nonexistent-soak-home',
    stores: executorStores,
    policy: options.policy,
    clock: options.clock,
    sandbox,
    checkpoints: new LossyCheckpoints(plan),
    deadLetters: {
      load: () => undefined,
      save: (fresh) => {
        deadLetters.push(...fresh);
      },
    },
    lambdaRemainingTimeMs: IN_PROGRESS_MS,
    wrapTargets: (raw) => {
      rawTargets = raw;
      return Object.fromEntries(
        Object.entries(raw).map(([name, invoke]) => [name, wrap(name as RouteTarget, invoke)]),
      ) as Record<RouteTarget, Invoke>;
    },
  });

  return {
    stores,
    sandbox,
    pipeline,
    deadLetters,
    forgedDeliveries,
    deadEvents,
    log,
    redrive: async () => {
      const batch = deadEvents.splice(0, deadEvents.length);
      await new Promise((r) => setTimeout(r, IN_PROGRESS_MS + 5));
      for (const d of batch) {
        const invoke = rawTargets?.[d.target];
        if (invoke) await run(invoke, d.target, d.event).catch(() => deadEvents.push(d));
      }
      return batch.length;
    },
    heldCount: () => held.length,
    releaseHeld: async () => {
      const batch = held.splice(0, held.length);
      for (let i = batch.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [batch[i], batch[j]] = [batch[j] as HeldEvent, batch[i] as HeldEvent];
      }
      for (const h of batch) {
        const invoke = rawTargets?.[h.target];
        if (!invoke) continue;
        try {
          await run(invoke, h.target, h.event);
        } catch (error) {
          h.attempts++;
          if (h.attempts < ATTEMPTS) held.push(h);
          else {
            deadEvents.push(h);
            deadLetters.push({
              via: 'held',
              target: h.target,
              detailType: String((h.event as { 'detail-type'?: unknown })['detail-type'] ?? ''),
              error: String(error),
              attempts: h.attempts,
            });
          }
        }
      }
    },
  };
}

/** The account id of a sandbox account. */
export const accountIdOf = (account: SandboxAccount) => account[SANDBOX_KEY].accountId;
