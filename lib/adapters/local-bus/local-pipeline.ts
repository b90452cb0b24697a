import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type BusRoute, PIPE_SPECS, type RouteTarget, type StreamSource } from '../../config/event-routes.js';
import type { TableNames } from '../../config/tables.js';
import { EVENT_SOURCE } from '../../domain/events.js';
import type { Clock } from '../../ports/clock.js';
import { answerInProcess, IN_PROCESS_CLIENT_CONFIG } from '../sandbox/in-process-client.js';
import type { LocalSandbox } from '../sandbox/local-sandbox.js';
import type { SandboxSchedule } from '../sandbox/scheduler-sandbox.js';
import type { StateStore } from '../sandbox/state-file.js';
import { matchesPattern } from './event-pattern.js';
import { renderPipeTemplate } from './pipe-template.js';
import { type StreamCheckpoints, StreamReader } from './stream-reader.js';

/** An event on the local bus, in EventBridge's envelope. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** Invokes one function (the deployed handler code) with an event, as Lambda would. */
export type Invoke = (event: unknown) => Promise<unknown>;

/** What one delivery did: which function got which event, and what it returned or threw. */
export interface Delivery {
  readonly via: string;
  readonly target: RouteTarget | 'rotate';
  readonly detailType: string;
  readonly decisionId?: string;
  readonly result?: unknown;
  readonly error?: string;
  readonly attempts: number;
}

/** What a drain did. */
export interface DrainReport {
  readonly asOf: string;
  readonly streamRecords: number;
  readonly busEvents: number;
  readonly schedulesFired: number;
  readonly rotations: number;
  readonly deliveries: readonly Delivery[];
  /** Deliveries that failed every attempt: kept in the dead-letter file, as a rule's DLQ would. */
  readonly deadLetters: readonly Delivery[];
}

export interface LocalPipelineDeps {
  readonly dynamo: DynamoDBClient;
  readonly names: TableNames;
  readonly checkpoints: StateStore<StreamCheckpoints>;
  readonly deadLetters: StateStore<Delivery[]>;
  readonly sandbox: LocalSandbox;
  readonly clock: Clock;
  /** The rules of the bus (lib/config/event-routes.ts busRoutes()). */
  readonly routes: readonly BusRoute[];
  /** The deployed handlers, one per rule target. */
  readonly targets: Readonly<Record<RouteTarget, Invoke>>;
  /** Attempts per delivery before it is dead-lettered (Lambda's asynchronous invoke retries twice). */
  readonly attempts?: number;
}

/** The streams the pipes read, in the order a drain reads them. */
const STREAMS: readonly StreamSource[] = ['decisions', 'executions'];

/**
 * The deployed event wiring, run locally once per call to `drain`: fires the sandbox's due one-time
 * schedules (JIT revokes to the bus, key retirements to the rotation function), runs the rotations
 * Secrets Manager owes the rotation function, reads the decisions and executions tables' streams on
 * DynamoDB Local through the SAME pipe filters and input templates the stack deploys, and routes each
 * resulting bus event through the SAME rule patterns to the SAME handler code. It repeats until
 * nothing new happens (a revoke request files a decision, whose approval is provisioned, ...).
 */
export class LocalPipeline {
  private readonly reader: StreamReader;
  private readonly queue: BusEvent[] = [];
  private readonly account: string;
  private bus: EventBridgeClient | undefined;

  constructor(private readonly deps: LocalPipelineDeps) {
    this.reader = new StreamReader(deps.dynamo, deps.checkpoints);
    this.account = deps.sandbox.accountId;
  }

  /** An EventBridge client whose PutEvents puts the entries on this local bus (the rotate function's SecretRotated). */
  busClient(): EventBridgeClient {
    if (this.bus) return this.bus;
    this.bus = answerInProcess(new EventBridgeClient(IN_PROCESS_CLIENT_CONFIG), (command, input) => {
      if (command !== 'PutEvents') throw new Error(`the local bus does not implement ${command}`);
      const entries = (input.Entries ?? []) as { DetailType?: string; Source?: string; Detail?: string }[];
      for (const e of entries)
        this.queue.push(this.envelope(e.DetailType ?? '', JSON.parse(e.Detail ?? '{}'), e.Source ?? ''));
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
    });
    return this.bus;
  }

  async drain(options: { maxRounds?: number } = {}): Promise<DrainReport> {
    const report = { streamRecords: 0, busEvents: 0, schedulesFired: 0, rotations: 0 };
    const deliveries: Delivery[] = [];
    const deadLetters: Delivery[] = [];
    const record = (d: Delivery) => {
      deliveries.push(d);
      if (d.error !== undefined) deadLetters.push(d);
    };
    for (let round = 0; round < (options.maxRounds ?? 25); round++) {
      let progressed = false;
      for (const schedule of this.deps.sandbox.scheduler.due(this.deps.clock.now())) {
        progressed = true;
        report.schedulesFired++;
        const delivery = await this.fire(schedule);
        if (delivery) record(delivery);
        this.deps.sandbox.scheduler.completed(schedule);
      }
      for (const rotation of this.deps.sandbox.secrets.pendingRotations()) {
        progressed = true;
        report.rotations++;
        this.deps.sandbox.secrets.takeRotation(rotation);
        for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
          const d = await this.invoke('rotate', `secretsmanager ${step}`, step, {
            Step: step,
            SecretId: rotation.secretArn,
            ClientRequestToken: rotation.token,
          });
          record(d);
          if (d.error !== undefined) break;
        }
      }
      for (const source of STREAMS) {
        for (const at of await this.reader.read(this.deps.names[source])) {
          progressed = true;
          report.streamRecords++;
          const streamRecord = plainRecord(at.record);
          for (const spec of PIPE_SPECS.filter((p) => p.source === source)) {
            if (!spec.filters.some((f) => matchesPattern(f, streamRecord))) continue;
            this.queue.push(
              this.envelope(spec.detailType, renderPipeTemplate(spec.inputTemplate, streamRecord)),
            );
          }
          // Events first, checkpoint after: a crash in between re-delivers the record (at least once).
          await this.dispatch(report, record);
          this.reader.commit(at);
        }
      }
      if (this.queue.length > 0) progressed = true;
      await this.dispatch(report, record);
      if (!progressed) break;
    }
    if (deadLetters.length > 0)
      this.deps.deadLetters.save([...(this.deps.deadLetters.load() ?? []), ...deadLetters]);
    return { asOf: this.deps.clock.now().toISOString(), ...report, deliveries, deadLetters };
  }

  destroy(): void {
    this.reader.destroy();
  }

  /** Routes every queued bus event to the functions whose rule matches it. */
  private async dispatch(report: { busEvents: number }, record: (d: Delivery) => void): Promise<void> {
    while (this.queue.length > 0) {
      const event = this.queue.shift() as BusEvent;
      report.busEvents++;
      for (const route of this.deps.routes) {
        if (!matchesPattern(route.pattern, event)) continue;
        record(await this.invoke(route.target, `rule ${route.id}`, event['detail-type'], event));
      }
    }
  }

  /** A due schedule does what its target says: put an event on the bus, or invoke the rotation function. */
  private async fire(schedule: SandboxSchedule): Promise<Delivery | undefined> {
    const input = schedule.target.Input === undefined ? {} : JSON.parse(schedule.target.Input);
    const bus = schedule.target.EventBridgeParameters;
    if (bus) {
      this.queue.push(this.envelope(bus.DetailType ?? '', input, bus.Source ?? ''));
      return undefined;
    }
    return this.invoke('rotate', `schedule ${schedule.name}`, 'KeyRetirementDue', input);
  }

  private async invoke(
    target: RouteTarget,
    via: string,
    detailType: string,
    event: unknown,
  ): Promise<Delivery> {
    const attempts = this.deps.attempts ?? 3;
    const decisionId = (event as { detail?: { decisionId?: unknown } }).detail?.decisionId;
    const base = { via, target, detailType, ...(typeof decisionId === 'string' ? { decisionId } : {}) };
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const result = await this.deps.targets[target](event);
        return { ...base, result, attempts: attempt };
      } catch (error) {
        lastError = (error as Error)?.message ?? String(error);
      }
    }
    return { ...base, error: lastError, attempts };
  }

  private envelope(detailType: string, detail: unknown, source: string = EVENT_SOURCE): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: this.account,
      time: this.deps.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail,
    };
  }
}

/** A stream record as Pipes sees it: plain JSON (the SDK's Date becomes epoch seconds). */
function plainRecord(record: _Record): unknown {
  return JSON.parse(
    JSON.stringify({ ...record, eventSource: 'aws:dynamodb' }, (_k, v) =>
      v instanceof Date ? Math.floor(v.getTime() / 1000) : v,
    ),
  );
}
