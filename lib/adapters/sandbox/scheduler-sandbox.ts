import { ConflictException, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { answerInProcess, IN_PROCESS_CLIENT_CONFIG } from './in-process-client.js';
import type { StateStore } from './state-file.js';

/** One stored one-time schedule, as CreateSchedule took it. */
export interface SandboxSchedule {
  readonly groupName: string;
  readonly name: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, UTC. */
  readonly expression: string;
  readonly target: {
    readonly Arn: string;
    readonly Input?: string;
    readonly EventBridgeParameters?: { readonly DetailType?: string; readonly Source?: string };
  };
}

export interface SchedulesState {
  schemaVersion: 1;
  schedules: SandboxSchedule[];
}

const meta = { $metadata: {} };
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

/** When an `at(...)` expression fires (UTC); undefined for any other kind of expression. */
export function firesAt(expression: string): Date | undefined {
  const m = AT.exec(expression);
  return m ? new Date(`${m[1]}Z`) : undefined;
}

/**
 * EventBridge Scheduler for the one-time schedules the executors create: CreateSchedule (a name
 * already in the group is a ConflictException) and DeleteSchedule (ResourceNotFoundException when
 * gone). Schedules are stored, not run: the local pipeline fires those due at its clock's now and
 * deletes them, as ActionAfterCompletion DELETE does.
 */
export class SchedulerSandbox {
  constructor(private readonly store: StateStore<SchedulesState>) {}

  client(): SchedulerClient {
    return answerInProcess(new SchedulerClient(IN_PROCESS_CLIENT_CONFIG), (command, input) =>
      this.call(command, input),
    );
  }

  private state(): SchedulesState {
    return this.store.load() ?? { schemaVersion: 1, schedules: [] };
  }

  schedules(): readonly SandboxSchedule[] {
    return this.state().schedules;
  }

  /** Schedules due at `now`, earliest first. */
  due(now: Date): SandboxSchedule[] {
    return this.state()
      .schedules.filter((s) => {
        const at = firesAt(s.expression);
        return at !== undefined && at.getTime() <= now.getTime();
      })
      .sort((a, b) => a.expression.localeCompare(b.expression) || a.name.localeCompare(b.name));
  }

  /** Removes a schedule that has fired. */
  completed(schedule: SandboxSchedule): void {
    const s = this.state();
    s.schedules = s.schedules.filter(
      (x) => !(x.groupName === schedule.groupName && x.name === schedule.name),
    );
    this.store.save(s);
  }

  // biome-ignore lint/suspicious/noExplicitAny: SDK command inputs, checked by the SDK's own types at the call sites.
  call(command: string, i: Record<string, any>): unknown {
    const s = this.state();
    const group = i.GroupName ?? 'default';
    const existing = s.schedules.find((x) => x.groupName === group && x.name === i.Name);
    if (command === 'CreateSchedule') {
      if (existing)
        throw new ConflictException({
          message: `Schedule ${i.Name} already exists.`,
          Message: `Schedule ${i.Name} already exists.`,
          ...meta,
        });
      s.schedules.push({
        groupName: group,
        name: i.Name,
        expression: i.ScheduleExpression,
        target: {
          Arn: i.Target?.Arn,
          ...(i.Target?.Input !== undefined ? { Input: i.Target.Input } : {}),
          ...(i.Target?.EventBridgeParameters
            ? { EventBridgeParameters: i.Target.EventBridgeParameters }
            : {}),
        },
      });
      this.store.save(s);
      return { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${i.Name}` };
    }
    if (command === 'DeleteSchedule') {
      if (!existing)
        throw new ResourceNotFoundException({
          message: `Schedule ${i.Name} does not exist.`,
          Message: `Schedule ${i.Name} does not exist.`,
          ...meta,
        });
      s.schedules = s.schedules.filter((x) => x !== existing);
      this.store.save(s);
      return {};
    }
    throw new ResourceNotFoundException({
      message: `the Scheduler sandbox does not implement ${command}`,
      Message: `not implemented: ${command}`,
      ...meta,
    });
  }
}
