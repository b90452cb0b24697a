import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { EVENT_SOURCE } from '../../domain/events.js';
import type { CallOutcome } from '../../ports/iam-admin.js';
import type { RevokeSchedule, RevokeScheduler } from '../../ports/revoke-scheduler.js';
import { call, toExternalCallError } from '../iam/aws-error.js';

export interface SchedulerTarget {
  /** Schedule group of the JIT revoke schedules. */
  readonly groupName: string;
  /** ARN of the suite's event bus: the schedule's only target. */
  readonly eventBusArn: string;
  /** Role EventBridge Scheduler assumes to put the event on the bus (events:PutEvents on that bus only). */
  readonly roleArn: string;
  /** SQS queue for deliveries the schedule could not make. */
  readonly deadLetterArn?: string;
}

/**
 * The ARN of the suite's bus from EVENT_BUS_NAME. Scheduler targets need an ARN; the bus name is
 * turned into one in the account of the scheduler role, which is the account the schedule runs in.
 */
export function eventBusArn(nameOrArn: string, region: string, schedulerRoleArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}):/.exec(schedulerRoleArn);
  if (!m) throw new Error(`SCHEDULER_ROLE_ARN is not an IAM role ARN: ${schedulerRoleArn}`);
  return `arn:${m[1]}:events:${region}:${m[2]}:event-bus/${nameOrArn}`;
}

/**
 * RevokeScheduler on EventBridge Scheduler: a one-time `at()` schedule, deleted after it runs, whose
 * target is the suite's bus with a `RevokeRequested` event. It never targets IAM.
 */
export class EventBridgeRevokeScheduler implements RevokeScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async create(schedule: RevokeSchedule): Promise<CallOutcome> {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: this.target.groupName,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description: `nhi-gov: revoke just-in-time grant ${schedule.detail.decisionId} at its expiry`,
          ClientToken: schedule.name,
          Target: {
            Arn: this.target.eventBusArn,
            RoleArn: this.target.roleArn,
            EventBridgeParameters: { DetailType: 'RevokeRequested', Source: EVENT_SOURCE },
            Input: JSON.stringify(schedule.detail),
            ...(this.target.deadLetterArn ? { DeadLetterConfig: { Arn: this.target.deadLetterArn } } : {}),
          },
        }),
      );
      return 'ok';
    } catch (error) {
      // The schedule is named after the grant: an existing one is this grant's revoke, made earlier.
      if (error instanceof ConflictException || (error as Error)?.name === 'ConflictException')
        return 'already-done';
      throw toExternalCallError('scheduler:CreateSchedule', schedule.name, error);
    }
  }

  async cancel(name: string): Promise<CallOutcome> {
    const r = await call(
      'scheduler:DeleteSchedule',
      name,
      () => this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName })),
      { goneIsDone: ['ResourceNotFound'] },
    );
    return r === 'already-done' ? 'already-done' : 'ok';
  }
}
