import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgeRevokeScheduler,
  eventBusArn,
} from '../../../../lib/adapters/scheduler/revoke-scheduler.js';
import { jitRevokeDetail } from '../../../../lib/domain/provisioning/schedule.js';
import { FakeScheduler } from '../../../support/fakes/scheduler.js';

const client = new SchedulerClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const target = {
  groupName: 'nhi-gov-jit',
  eventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/nhi-gov',
  roleArn: 'arn:aws:iam::111122223333:role/nhi-gov/scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:jit-dlq',
};
let fake: FakeScheduler;
beforeEach(() => {
  fake = new FakeScheduler();
});
afterEach(() => fake.restore());

describe('EventBridgeRevokeScheduler', () => {
  it('creates a one-time schedule once; a second create of the same grant is already done', async () => {
    const scheduler = new EventBridgeRevokeScheduler(client, target);
    const schedule = {
      name: 'nhi-gov-revoke-d-1',
      expression: 'at(2026-03-01T18:00:00)',
      detail: jitRevokeDetail('d-00000001', '2026-03-01T18:00:00.000Z'),
    };

    expect(await scheduler.create(schedule)).toBe('ok');
    expect(await scheduler.create(schedule)).toBe('already-done');
    expect(fake.schedules.get('nhi-gov-jit/nhi-gov-revoke-d-1')?.Target).toMatchObject({
      Arn: target.eventBusArn,
      RoleArn: target.roleArn,
      DeadLetterConfig: { Arn: target.deadLetterArn },
    });
    expect(await scheduler.cancel('nhi-gov-revoke-d-1')).toBe('ok');
    expect(await scheduler.cancel('nhi-gov-revoke-d-1')).toBe('already-done');
  });

  it('builds the bus ARN from a name in the scheduler role’s account, and keeps an ARN as it is', () => {
    expect(eventBusArn('nhi-gov', 'eu-west-1', 'arn:aws:iam::444455556666:role/x')).toBe(
      'arn:aws:events:eu-west-1:444455556666:event-bus/nhi-gov',
    );
    expect(eventBusArn(target.eventBusArn, 'eu-west-1', 'arn:aws:iam::444455556666:role/x')).toBe(
      target.eventBusArn,
    );
    expect(() => eventBusArn('nhi-gov', 'eu-west-1', 'not-an-arn')).toThrow(/SCHEDULER_ROLE_ARN/);
  });
});
