import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { Faults } from './iam.js';

const meta = { $metadata: {} };

// biome-ignore lint/suspicious/noExplicitAny: the stored CreateSchedule input, as sent.
export type FakeSchedule = Record<string, any>;

/**
 * EventBridge Scheduler behind aws-sdk-client-mock, stateful: CreateSchedule stores the schedule and
 * refuses a second one of the same name with ConflictException; DeleteSchedule of a missing one is
 * ResourceNotFoundException.
 */
export class FakeScheduler {
  readonly mock: AwsClientStub<SchedulerClient>;
  /** `<group>/<name>` → the CreateSchedule input. */
  readonly schedules = new Map<string, FakeSchedule>();
  readonly faults = new Faults();
  /** Called after a schedule is created or deleted: lets a test keep one timeline across several fakes. */
  onApplied: ((command: 'CreateSchedule' | 'DeleteSchedule', key: string) => void) | undefined;

  constructor() {
    const mock = mockClient(SchedulerClient);
    this.mock = mock;
    const key = (i: { GroupName?: string; Name: string }) => `${i.GroupName ?? 'default'}/${i.Name}`;
    mock.on(CreateScheduleCommand).callsFake(async (i) => {
      this.faults.check('CreateSchedule');
      if (this.schedules.has(key(i))) {
        throw new ConflictException({
          message: `Schedule ${i.Name} already exists.`,
          Message: `Schedule ${i.Name} already exists.`,
          ...meta,
        });
      }
      this.schedules.set(key(i), i);
      this.onApplied?.('CreateSchedule', key(i));
      return { ScheduleArn: `arn:aws:scheduler:us-east-1:111122223333:schedule/${key(i)}`, ...meta };
    });
    mock.on(GetScheduleCommand).callsFake(async (i) => {
      const s = this.schedules.get(key(i));
      if (!s)
        throw new ResourceNotFoundException({
          message: `Schedule ${i.Name} does not exist.`,
          Message: `Schedule ${i.Name} does not exist.`,
          ...meta,
        });
      return { ...s, ...meta };
    });
    mock.on(DeleteScheduleCommand).callsFake(async (i) => {
      this.faults.check('DeleteSchedule');
      if (!this.schedules.delete(key(i))) {
        throw new ResourceNotFoundException({
          message: `Schedule ${i.Name} does not exist.`,
          Message: `Schedule ${i.Name} does not exist.`,
          ...meta,
        });
      }
      this.onApplied?.('DeleteSchedule', key(i));
      return meta;
    });
  }

  /** Every call the client received, by command name. */
  callNames(): string[] {
    return this.mock
      .calls()
      .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
  }

  restore(): void {
    this.mock.restore();
  }
}
