import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
  type Target,
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
 * Creates a one-time `at()` schedule in UTC, deleted after it runs. Schedules are named
 * deterministically by their callers, so an existing one (ConflictException) is the same schedule
 * made earlier: `already-done`.
 * @throws ExternalCallError for every other failure.
 */
export async function createOneTimeSchedule(
  client: SchedulerClient,
  schedule: {
    readonly name: string;
    readonly groupName: string;
    readonly expression: string;
    readonly description: string;
    readonly target: Target;
  },
): Promise<CallOutcome> {
  try {
    await client.send(
      new CreateScheduleCommand({
        Name: schedule.name,
        GroupName: schedule.groupName,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Description: schedule.description,
        ClientToken: schedule.name,
        Target: schedule.target,
      }),
    );
    return 'ok';
  } catch (error) {
    if (error instanceof ConflictException || (error as Error)?.name === 'ConflictException')
      return 'already-done';
    throw toExternalCallError('scheduler:CreateSchedule', schedule.name, error);
  }
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

  create(schedule: RevokeSchedule): Promise<CallOutcome> {
    return createOneTimeSchedule(this.client, {
      name: schedule.name,
      groupName: this.target.groupName,
      expression: schedule.expression,
      description: `nhi-gov: revoke just-in-time grant ${schedule.detail.decisionId} at its expiry`,
      target: {
        Arn: this.target.eventBusArn,
        RoleArn: this.target.roleArn,
        EventBridgeParameters: { DetailType: 'RevokeRequested', Source: EVENT_SOURCE },
        Input: JSON.stringify(schedule.detail),
        ...(this.target.deadLetterArn ? { DeadLetterConfig: { Arn: this.target.deadLetterArn } } : {}),
      },
    });
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
