import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { CallOutcome } from '../../ports/iam-admin.js';
import type { KeyRetirementSchedule, KeyRetirementScheduler } from '../../ports/key-retirement-scheduler.js';
import { createOneTimeSchedule } from './revoke-scheduler.js';

export interface KeyRetirementTarget {
  /** Schedule group of the key-retirement schedules. */
  readonly groupName: string;
  /** ARN of the rotation function: the schedule's only target. */
  readonly functionArn: string;
  /** Role EventBridge Scheduler assumes to invoke it (lambda:InvokeFunction on that function only). */
  readonly roleArn: string;
}

/** KeyRetirementScheduler on EventBridge Scheduler: a one-time schedule that invokes the rotation function. */
export class EventBridgeKeyRetirementScheduler implements KeyRetirementScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: KeyRetirementTarget,
  ) {}

  create(schedule: KeyRetirementSchedule): Promise<CallOutcome> {
    return createOneTimeSchedule(this.client, {
      name: schedule.name,
      groupName: this.target.groupName,
      expression: schedule.expression,
      description: `nhi-gov: ${schedule.event.action} replaced access key ${schedule.event.accessKeyId}`,
      target: {
        Arn: this.target.functionArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify(schedule.event),
        // A missed delivery is retried; the function checks the state, so a late one is still right.
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      },
    });
  }
}
