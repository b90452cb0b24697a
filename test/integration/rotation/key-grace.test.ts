import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  SchedulerClient,
  ServiceQuotaExceededException,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../../functions/shared/observability.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { EventBridgePublisher } from '../../../lib/adapters/eventbridge/event-publisher.js';
import { StsCredentialChecker } from '../../../lib/adapters/iam/credential-checker.js';
import { SdkIamAdmin } from '../../../lib/adapters/iam/iam-admin.js';
import { EventBridgeKeyRetirementScheduler } from '../../../lib/adapters/scheduler/key-retirement-scheduler.js';
import { SecretsManagerVault } from '../../../lib/adapters/secrets-manager/secret-vault.js';
import { findingId } from '../../../lib/domain/finding.js';
import { type KeyRetirementConfig, RetireKey } from '../../../lib/domain/rotation/key-retirement.js';
import { RotateOnDecision } from '../../../lib/domain/rotation/on-demand.js';
import { ROTATION_STEPS, RotateAccessKeySecret } from '../../../lib/domain/rotation/rotate-secret.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';
import { FakeIam, type FakeUser } from '../../support/fakes/iam.js';
import { type FakeSchedule, FakeScheduler } from '../../support/fakes/scheduler.js';
import { FakeSecretsManager } from '../../support/fakes/secrets-manager.js';
import { FakeSts } from '../../support/fakes/sts.js';
import { lambdaContext } from '../provisioning/harness.js';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('../provisioning/env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const { buildHandler } = await import('../../../functions/rotate/handler.js');

const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROTATE_FN = 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-rotate-us-east-1';
const KEY_SCHEDULER_ROLE = 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-key-scheduler';
const GROUP = 'nhi-gov-keys';
const START = new Date('2026-03-01T10:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = 'nhi-gov/ci-deployer';

const meta = { $metadata: {} };
const quota = () =>
  new ServiceQuotaExceededException({
    message: 'Schedules per account quota reached',
    Message: 'Schedules per account quota reached',
    ...meta,
  });
const throttled = () =>
  new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', ...meta });

let now: Date;
let tables: TestTables;
let iam: FakeIam;
let sm: FakeSecretsManager;
let sts: FakeSts;
let scheduler: FakeScheduler;
let events: AwsClientStub<EventBridgeClient>;
let user: FakeUser;
let secretArn: string;
let findings: DynamoFindingStore;

beforeEach(async () => {
  now = new Date(START.getTime());
  tables = await createTestTables();
  iam = new FakeIam({ now: () => now });
  sm = new FakeSecretsManager(region, { now: () => now });
  sts = new FakeSts(iam);
  scheduler = new FakeScheduler();
  events = mockClient(EventBridgeClient);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  user = iam.addUser({ name: 'ci-deployer', keys: [{ createDate: new Date(START.getTime() - 30 * DAY) }] });
  const key = user.keys[0];
  secretArn = sm.addSecret(
    SECRET,
    { userName: 'ci-deployer', accessKeyId: key?.accessKeyId, secretAccessKey: key?.secretAccessKey },
    { rotationLambdaArn: ROTATE_FN },
  ).arn;
  findings = new DynamoFindingStore(tables.doc, tables.names.findings);
});

afterEach(() => {
  iam.restore();
  sm.restore();
  sts.restore();
  scheduler.restore();
  events.restore();
  tables.client.destroy();
});

/** The rotate function as deployed, with a grace configuration. */
function rotateFunction(retirement: KeyRetirementConfig) {
  const vault = new SecretsManagerVault(new SecretsManagerClient({ region, credentials }));
  const iamAdmin = new SdkIamAdmin(new IAMClient({ region, credentials }));
  const clock = { now: () => new Date(now.getTime()) };
  const sleep = async () => undefined;
  const callRetry = { attempts: 3, baseDelayMs: 0 };
  const retireKey = new RetireKey({
    iam: iamAdmin,
    vault,
    scheduler: new EventBridgeKeyRetirementScheduler(new SchedulerClient({ region, credentials }), {
      groupName: GROUP,
      functionArn: ROTATE_FN,
      roleArn: KEY_SCHEDULER_ROLE,
    }),
    findings,
    clock,
    sleep,
    config: { callRetry, ...retirement },
  });
  return buildHandler({
    retireKey,
    rotation: new RotateAccessKeySecret({
      iam: iamAdmin,
      vault,
      sts: new StsCredentialChecker({ region }),
      events: new EventBridgePublisher(new EventBridgeClient({ region, credentials }), 'nhi-gov'),
      findings,
      clock,
      sleep,
      config: { callRetry, testAttempts: 2, testDelayMs: 0 },
      retirement: retireKey,
    }),
    onDemand: new RotateOnDecision({
      decisions: new DynamoDecisionStore(tables.doc, tables.names.decisions),
      trail: new DynamoExecutionTrail(tables.doc, tables.names.executions),
      findings,
      vault,
      clock,
      sleep,
      config: {
        secretPrefix: 'nhi-gov/',
        executor: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-rotate',
        callRetry,
        maxInvocationAttempts: 3,
        inProgressWait: { attempts: 1, delayMs: 0 },
      },
    }),
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: tables.names.idempotency,
      awsSdkV3Client: tables.client,
    }),
    observability: observability('key-grace-test'),
  });
}

type RotateFunction = ReturnType<typeof rotateFunction>;

/** A scheduled rotation as Secrets Manager runs it: RotateSecret, then the four steps. */
async function rotate(fn: RotateFunction): Promise<void> {
  const r = await new SecretsManagerClient({ region, credentials }).send(
    new RotateSecretCommand({ SecretId: secretArn }),
  );
  for (const Step of ROTATION_STEPS) {
    await fn({ Step, SecretId: secretArn, ClientRequestToken: r.VersionId as string }, lambdaContext());
  }
}

const statusOf = (accessKeyId: string | undefined) =>
  user.keys.find((k) => k.accessKeyId === accessKeyId)?.status;
const currentKey = () => sm.valueAt(SECRET)?.accessKeyId as string | undefined;
const keySchedules = () => [...scheduler.schedules.entries()].filter(([k]) => k.startsWith(`${GROUP}/`));
const scheduleFor = (action: string, accessKeyId: string | undefined) =>
  keySchedules().find(([, s]) => {
    const input = JSON.parse(s.Target.Input);
    return input.action === action && input.accessKeyId === accessKeyId;
  })?.[1];

/** EventBridge Scheduler at the schedule's time: invokes the target with its input, then deletes it. */
async function fire(fn: RotateFunction, schedule: FakeSchedule | undefined) {
  if (!schedule) throw new Error('no such schedule');
  const at = /^at\((.+)\)$/.exec(schedule.ScheduleExpression)?.[1];
  now = new Date(`${at}Z`);
  const outcome = await fn(JSON.parse(schedule.Target.Input), lambdaContext());
  scheduler.schedules.delete(`${schedule.GroupName}/${schedule.Name}`);
  return outcome;
}

describe('grace period of the key a rotation replaces', () => {
  it('the previous key is still Active right after finishSecret when a delay is configured', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();

    await rotate(fn);

    expect(statusOf(oldKey)).toBe('Active');
    expect(statusOf(currentKey())).toBe('Active');
    expect(iam.appliedCommands()).toEqual(['CreateAccessKey']);
    expect(sm.valueAt(SECRET, 'AWSPREVIOUS')?.accessKeyId).toBe(oldKey);
  });

  it('goes created, current, previous and active for the grace, inactive, deleted, each on its own schedule', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();
    await rotate(fn);
    const deactivate = scheduleFor('deactivate', oldKey);
    const remove = scheduleFor('delete', oldKey);

    expect(deactivate).toMatchObject({
      GroupName: GROUP,
      ScheduleExpression: 'at(2026-03-02T10:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: ROTATE_FN, RoleArn: KEY_SCHEDULER_ROLE },
    });
    expect(remove?.ScheduleExpression).toBe('at(2026-03-09T10:00:00)');
    expect(JSON.parse(deactivate?.Target.Input)).toEqual({
      kind: 'KeyRetirementDue',
      schemaVersion: '1',
      action: 'deactivate',
      secretId: SECRET,
      accessKeyId: oldKey,
    });

    await expect(fire(fn, deactivate)).resolves.toMatchObject({ status: 'deactivated', accessKeyId: oldKey });
    expect(statusOf(oldKey)).toBe('Inactive');
    expect(statusOf(currentKey())).toBe('Active');

    await expect(fire(fn, remove)).resolves.toMatchObject({ status: 'deleted', accessKeyId: oldKey });
    expect(user.keys.map((k) => k.accessKeyId)).toEqual([currentKey()]);
    expect(iam.appliedCommands()).toEqual(['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey']);
  });

  it('is harmless when Secrets Manager retries finishSecret: one schedule per action, the key stays active', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();
    const r = await new SecretsManagerClient({ region, credentials }).send(
      new RotateSecretCommand({ SecretId: secretArn }),
    );
    for (const Step of ROTATION_STEPS) {
      await fn({ Step, SecretId: secretArn, ClientRequestToken: r.VersionId as string }, lambdaContext());
    }
    await fn(
      { Step: 'finishSecret', SecretId: secretArn, ClientRequestToken: r.VersionId as string },
      lambdaContext(),
    );

    expect(keySchedules()).toHaveLength(2);
    expect(scheduler.callNames().filter((c) => c === 'CreateSchedule')).toHaveLength(4);
    expect(statusOf(oldKey)).toBe('Active');
  });

  it('a schedule that fires after a newer rotation already removed the key changes nothing', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const first = currentKey();
    await rotate(fn);
    const firstDeactivate = scheduleFor('deactivate', first);
    const firstDelete = scheduleFor('delete', first);
    const second = currentKey();
    // A leaked-key rotation within the grace: the slot of the first key is needed, so it goes now.
    now = new Date(START.getTime() + 2 * HOUR);
    await rotate(fn);
    expect(user.keys.map((k) => k.accessKeyId).sort()).toEqual([second, currentKey()].sort());
    const before = iam.appliedCommands().length;

    await expect(fire(fn, firstDeactivate)).resolves.toMatchObject({ status: 'not-previous' });
    await expect(fire(fn, firstDelete)).resolves.toMatchObject({ status: 'not-previous' });

    expect(iam.appliedCommands().length).toBe(before);
    expect(statusOf(second)).toBe('Active');
    // The second key's own schedule still ends it after its grace.
    await expect(fire(fn, scheduleFor('deactivate', second))).resolves.toMatchObject({
      status: 'deactivated',
    });
    expect(statusOf(second)).toBe('Inactive');
    expect(statusOf(currentKey())).toBe('Active');
  });

  it('a schedule that fires after its key became AWSCURRENT again (a rollback) changes nothing', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();
    await rotate(fn);
    const deactivate = scheduleFor('deactivate', oldKey);
    const versions = sm.resolve(SECRET).versions;
    const previousVersion = [...versions.values()].find((v) => v.stages.has('AWSPREVIOUS'));
    const currentVersion = [...versions.values()].find((v) => v.stages.has('AWSCURRENT'));
    // Roll back by hand: the old key is the secret's current key again.
    currentVersion?.stages.delete('AWSCURRENT');
    currentVersion?.stages.add('AWSPREVIOUS');
    previousVersion?.stages.delete('AWSPREVIOUS');
    previousVersion?.stages.add('AWSCURRENT');

    await expect(fire(fn, deactivate)).resolves.toMatchObject({ status: 'not-previous' });

    expect(statusOf(oldKey)).toBe('Active');
    expect(iam.appliedCommands()).toEqual(['CreateAccessKey']);
  });

  it('forged or early key-retirement events (generated) change nothing in IAM', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey() as string;
    await rotate(fn);
    const newKey = currentKey() as string;
    const genuineSchedules = keySchedules()
      .map(([k]) => k)
      .sort();
    const applied = iam.appliedCommands().length;

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // The previous key, before its deactivation is due (any action).
          fc.record({
            action: fc.constantFrom('deactivate' as const, 'delete' as const),
            accessKeyId: fc.constant(oldKey),
            offset: fc.integer({ min: -30 * DAY, max: 24 * HOUR - 1000 }),
          }),
          // Deleting the previous key while it is still Active, at any time.
          fc.record({
            action: fc.constant('delete' as const),
            accessKeyId: fc.constant(oldKey),
            offset: fc.integer({ min: 0, max: 400 * DAY }),
          }),
          // The current key, or a key the secret never held, at any time.
          fc.record({
            action: fc.constantFrom('deactivate' as const, 'delete' as const),
            accessKeyId: fc.oneof(fc.constant(newKey), fc.stringMatching(/^AKIA[A-Z2-7]{16}$/)),
            offset: fc.integer({ min: -30 * DAY, max: 400 * DAY }),
          }),
        ),
        fc.constantFrom(SECRET, secretArn, 'nhi-gov/someone-else', SECRET.toUpperCase()),
        async (forged, secretId) => {
          now = new Date(START.getTime() + forged.offset);
          const outcome = await fn(
            {
              kind: 'KeyRetirementDue',
              schemaVersion: '1',
              action: forged.action,
              secretId,
              accessKeyId: forged.accessKeyId,
            },
            lambdaContext(),
          );

          expect(outcome).toHaveProperty('status');
          expect(['deactivated', 'deleted']).not.toContain((outcome as { status: string }).status);
          expect(iam.appliedCommands().length).toBe(applied);
          expect(statusOf(oldKey)).toBe('Active');
          expect(statusOf(newKey)).toBe('Active');
          // An early event about the real key finds its schedule already there: nothing new is made.
          expect(
            keySchedules()
              .map(([k]) => k)
              .sort(),
          ).toEqual(genuineSchedules);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a key-retirement event of the wrong shape, naming the field, and calls nothing', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();
    await rotate(fn);
    const calls = {
      iam: iam.callNames().length,
      sm: sm.callNames().length,
      scheduler: scheduler.callNames().length,
    };
    now = new Date(START.getTime() + 30 * DAY);

    for (const bad of [
      {
        kind: 'KeyRetirementDue',
        schemaVersion: '1',
        action: 'rotate',
        secretId: SECRET,
        accessKeyId: oldKey,
      },
      {
        kind: 'KeyRetirementDue',
        schemaVersion: '2',
        action: 'deactivate',
        secretId: SECRET,
        accessKeyId: oldKey,
      },
      {
        kind: 'KeyRetirementDue',
        schemaVersion: '1',
        action: 'deactivate',
        secretId: SECRET,
        accessKeyId: 'x;y',
      },
      {
        kind: 'KeyRetirementDue',
        schemaVersion: '1',
        action: 'deactivate',
        secretId: '',
        accessKeyId: oldKey,
      },
      {
        kind: 'KeyRetirementDue',
        schemaVersion: '1',
        action: 'deactivate',
        secretId: SECRET,
        accessKeyId: oldKey,
        dueAt: '2020-01-01T00:00:00Z',
      },
    ]) {
      await expect(fn(bad, lambdaContext())).rejects.toThrow(/key retirement event/);
    }

    expect(iam.callNames().length).toBe(calls.iam);
    expect(sm.callNames().length).toBe(calls.sm);
    expect(scheduler.callNames().length).toBe(calls.scheduler);
    expect(statusOf(oldKey)).toBe('Active');
  });

  it('keeps the key active until the new due time when the delay was raised after the schedule was made', async () => {
    const oldKey = currentKey();
    await rotate(rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 }));
    const raised = rotateFunction({ deactivateDelayHours: 48, deleteGraceDays: 7 });

    await expect(fire(raised, scheduleFor('deactivate', oldKey))).resolves.toMatchObject({
      status: 'not-due',
    });
    expect(statusOf(oldKey)).toBe('Active');
    const later = scheduleFor('deactivate', oldKey);
    expect(later?.ScheduleExpression).toBe('at(2026-03-03T10:00:00)');

    await expect(fire(raised, later)).resolves.toMatchObject({ status: 'deactivated' });
    expect(statusOf(oldKey)).toBe('Inactive');
  });

  it('schedules the grace after CreateSchedule was throttled, and the key stays active', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();
    scheduler.faults.failNext('CreateSchedule', throttled, 2);

    await rotate(fn);

    expect(statusOf(oldKey)).toBe('Active');
    expect(scheduleFor('deactivate', oldKey)).toBeDefined();
    expect(
      await findings.get(findingId('provisioning-failed', 'user/ci-deployer', `key-grace:${oldKey}`)),
    ).toBeUndefined();
  });

  it('deactivates the key at finishSecret, with a finding, when CreateSchedule fails for good: never active without an end', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 24, deleteGraceDays: 7 });
    const oldKey = currentKey();
    scheduler.faults.failNext('CreateSchedule', quota, 100);

    await rotate(fn);

    expect(statusOf(oldKey)).toBe('Inactive');
    expect(statusOf(currentKey())).toBe('Active');
    expect(keySchedules()).toEqual([]);
    const finding = await findings.get(
      findingId('provisioning-failed', 'user/ci-deployer', `key-grace:${oldKey}`),
    );
    expect(finding).toMatchObject({
      status: 'open',
      source: 'rotation',
      evidence: { accessKeyId: oldKey, secretId: SECRET },
    });
    expect(JSON.stringify(finding)).not.toContain(
      user.keys.find((k) => k.accessKeyId === oldKey)?.secretAccessKey,
    );
  });

  it('deactivates the key at finishSecret with a delay of 0, as before, and deletes it after the grace', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 0, deleteGraceDays: 7 });
    const oldKey = currentKey();

    await rotate(fn);

    expect(statusOf(oldKey)).toBe('Inactive');
    expect(scheduleFor('deactivate', oldKey)).toBeUndefined();
    await expect(fire(fn, scheduleFor('delete', oldKey))).resolves.toMatchObject({ status: 'deleted' });
    expect(user.keys.map((k) => k.accessKeyId)).toEqual([currentKey()]);
  });

  it('with a delay of 0 and no delete grace, does exactly what it did before: no schedule at all', async () => {
    const fn = rotateFunction({ deactivateDelayHours: 0, deleteGraceDays: 0 });
    const oldKey = currentKey();

    await rotate(fn);

    expect(statusOf(oldKey)).toBe('Inactive');
    expect(iam.appliedCommands()).toEqual(['CreateAccessKey', 'UpdateAccessKey']);
    expect(scheduler.callNames()).toEqual([]);
    // The next rotation makes room by deleting it, as before.
    await rotate(fn);
    expect(user.keys.map((k) => k.accessKeyId)).not.toContain(oldKey);
  });
});
