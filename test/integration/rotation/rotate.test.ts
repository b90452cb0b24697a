import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../../functions/shared/observability.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { EventBridgePublisher } from '../../../lib/adapters/eventbridge/event-publisher.js';
import { StsCredentialChecker } from '../../../lib/adapters/iam/credential-checker.js';
import { SdkIamAdmin } from '../../../lib/adapters/iam/iam-admin.js';
import { SecretsManagerVault } from '../../../lib/adapters/secrets-manager/secret-vault.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { findingId } from '../../../lib/domain/finding.js';
import { DEFAULT_PROVISION_LIMITS } from '../../../lib/domain/provisioning/provision.js';
import { RotateOnDecision } from '../../../lib/domain/rotation/on-demand.js';
import { ROTATION_STEPS, RotateAccessKeySecret } from '../../../lib/domain/rotation/rotate-secret.js';
import { rotationToken, TAG_ROTATION_DECISION } from '../../../lib/domain/rotation/rotation-token.js';
import { createTestTables, type TestTables } from '../../support/dynamo.js';
import { FakeIam, type FakeUser, throttling } from '../../support/fakes/iam.js';
import { FakeSecretsManager } from '../../support/fakes/secrets-manager.js';
import { FakeSts } from '../../support/fakes/sts.js';
import { approved, decisionEvent, lambdaContext } from '../provisioning/harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    DECISIONS_TABLE_NAME: 'unused-decisions',
    EXECUTIONS_TABLE_NAME: 'unused-executions',
    FINDINGS_TABLE_NAME: 'unused-findings',
    IDEMPOTENCY_TABLE_NAME: 'unused-idempotency',
    EVENT_BUS_NAME: 'nhi-gov',
    EXECUTOR_PRINCIPAL: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-rotate',
    ACCOUNT_ID: '111122223333',
    KEY_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-key-scheduler',
    ROTATE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-rotate-us-east-1',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
const { buildHandler } = await import('../../../functions/rotate/handler.js');

const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROTATE_FN = 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-provision';
const NOW = new Date('2026-03-01T10:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

let tables: TestTables;
let iam: FakeIam;
let sm: FakeSecretsManager;
let sts: FakeSts;
let events: AwsClientStub<EventBridgeClient>;
let user: FakeUser;
let secretArn: string;
let handler: ReturnType<typeof buildHandler>;
let decisions: DynamoDecisionStore;
let trail: DynamoExecutionTrail;
let findings: DynamoFindingStore;
/** Runs once at the next sleep of a use case: what happens in the world while it waits. */
let onSleep: (() => Promise<void>) | undefined;

beforeEach(async () => {
  tables = await createTestTables();
  iam = new FakeIam({ now: () => NOW });
  sm = new FakeSecretsManager(region, { now: () => NOW });
  sts = new FakeSts(iam);
  events = mockClient(EventBridgeClient);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  user = iam.addUser({ name: 'ci-deployer', keys: [{ createDate: daysAgo(30) }] });
  const key = user.keys[0];
  secretArn = sm.addSecret(
    'nhi-gov/ci-deployer',
    { userName: 'ci-deployer', accessKeyId: key?.accessKeyId, secretAccessKey: key?.secretAccessKey },
    { rotationLambdaArn: ROTATE_FN },
  ).arn;
  decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
  trail = new DynamoExecutionTrail(tables.doc, tables.names.executions);
  findings = new DynamoFindingStore(tables.doc, tables.names.findings);
  const vault = new SecretsManagerVault(new SecretsManagerClient({ region, credentials }));
  const clock = { now: () => new Date(NOW.getTime()) };
  onSleep = undefined;
  const sleep = async () => {
    const hook = onSleep;
    onSleep = undefined;
    await hook?.();
  };
  handler = buildHandler({
    // The grace period of replaced keys is tested in key-grace.test.ts; here keys retire at finishSecret.
    retireKey: {
      handle: async () => {
        throw new Error('no key-retirement event is sent in this file');
      },
    },
    rotation: new RotateAccessKeySecret({
      iam: new SdkIamAdmin(new IAMClient({ region, credentials })),
      vault,
      sts: new StsCredentialChecker({ region }),
      events: new EventBridgePublisher(new EventBridgeClient({ region, credentials }), 'nhi-gov'),
      findings,
      clock,
      sleep,
      config: {
        callRetry: { attempts: 3, baseDelayMs: 0 },
        testAttempts: 4,
        testDelayMs: 0,
      },
    }),
    onDemand: new RotateOnDecision({
      decisions,
      trail,
      findings,
      vault,
      clock,
      sleep,
      config: {
        secretPrefix: 'nhi-gov/',
        executor: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-rotate',
        callRetry: DEFAULT_PROVISION_LIMITS.callRetry,
        maxInvocationAttempts: 3,
        inProgressWait: { attempts: 2, delayMs: 0 },
      },
    }),
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: tables.names.idempotency,
      awsSdkV3Client: tables.client,
    }),
    observability: observability('rotate-test'),
  });
});

afterEach(() => {
  iam.restore();
  sm.restore();
  sts.restore();
  events.restore();
  tables.client.destroy();
});

/** What Secrets Manager does on a scheduled rotation: registers the new version as AWSPENDING. */
async function startRotation(): Promise<string> {
  const r = await new SecretsManagerClient({ region, credentials }).send(
    new RotateSecretCommand({ SecretId: secretArn }),
  );
  return r.VersionId as string;
}

function step(Step: (typeof ROTATION_STEPS)[number], token: string) {
  return handler({ Step, SecretId: secretArn, ClientRequestToken: token }, lambdaContext());
}

async function rotateAll(token: string, times = 1) {
  for (const s of ROTATION_STEPS) for (let i = 0; i < times; i++) await step(s, token);
}

function published() {
  return events.commandCalls(PutEventsCommand).map((c) => {
    const entry = c.args[0].input.Entries?.[0];
    return { detailType: entry?.DetailType, detail: JSON.parse(entry?.Detail ?? '{}') };
  });
}

describe('rotation function (Secrets Manager rotation of an access-key secret)', () => {
  it('leaves exactly one active key, stored as AWSCURRENT, with the old one deactivated', async () => {
    const oldKey = user.keys[0]?.accessKeyId;
    const token = await startRotation();

    await rotateAll(token);

    const active = user.keys.filter((k) => k.status === 'Active');
    expect(active).toHaveLength(1);
    const current = sm.valueAt('nhi-gov/ci-deployer');
    expect(current).toEqual({
      userName: 'ci-deployer',
      accessKeyId: active[0]?.accessKeyId,
      secretAccessKey: active[0]?.secretAccessKey,
    });
    expect(user.keys.find((k) => k.accessKeyId === oldKey)?.status).toBe('Inactive');
    expect(sm.valueAt('nhi-gov/ci-deployer', 'AWSPREVIOUS')?.accessKeyId).toBe(oldKey);
    // Secrets Manager itself clears AWSPENDING once finishSecret returns.
    expect(sm.resolve('nhi-gov/ci-deployer').versions.get(token)?.stages.has('AWSCURRENT')).toBe(true);
    // testSecret signed STS with the NEW key, not the function's credentials.
    expect(sts.signedWith).toEqual([active[0]?.accessKeyId]);
    expect(published()).toEqual([
      {
        detailType: 'SecretRotated',
        detail: {
          schemaVersion: '1',
          secretId: 'nhi-gov/ci-deployer',
          identityKey: 'user/ci-deployer',
          trigger: 'schedule',
          rotatedAt: NOW.toISOString(),
        },
      },
    ]);
  });

  it('is harmless when Secrets Manager retries every step', async () => {
    const token = await startRotation();

    await rotateAll(token, 2);

    expect(iam.appliedCommands()).toEqual(['CreateAccessKey', 'UpdateAccessKey']);
    expect(user.keys.filter((k) => k.status === 'Active')).toHaveLength(1);
    expect(sm.callNames().filter((c) => c === 'UpdateSecretVersionStage')).toHaveLength(1);
    expect(sm.callNames().filter((c) => c === 'PutSecretValue')).toHaveLength(1);
  });

  it('deletes the inactive key of the last rotation first, to stay within two keys per user', async () => {
    const first = await startRotation();
    await rotateAll(first);
    const inactive = user.keys.find((k) => k.status === 'Inactive')?.accessKeyId;
    const second = await startRotation();

    await rotateAll(second);

    expect(user.keys).toHaveLength(2);
    expect(user.keys.some((k) => k.accessKeyId === inactive)).toBe(false);
    expect(user.keys.filter((k) => k.status === 'Active')).toHaveLength(1);
    expect(iam.appliedCommands()).toEqual([
      'CreateAccessKey',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'CreateAccessKey',
      'UpdateAccessKey',
    ]);
  });

  it('recovers a createSecret that died after CreateAccessKey: the orphan key is deleted, one new key is kept', async () => {
    const token = await startRotation();
    sm.faults.failNext('PutSecretValue', throttling, 3);

    await expect(step('createSecret', token)).rejects.toThrow(/Throttling/);
    expect(user.keys).toHaveLength(2);
    const orphan = user.keys[1]?.accessKeyId;
    await rotateAll(token);

    expect(user.keys.some((k) => k.accessKeyId === orphan)).toBe(false);
    expect(user.keys.filter((k) => k.status === 'Active')).toHaveLength(1);
    expect(sm.valueAt('nhi-gov/ci-deployer')?.accessKeyId).toBe(
      user.keys.find((k) => k.status === 'Active')?.accessKeyId,
    );
  });

  it('waits for a new key to be accepted by STS before promoting it', async () => {
    const token = await startRotation();
    await step('createSecret', token);
    await step('setSecret', token);
    sts.notYetPropagated = 2;

    await step('testSecret', token);

    expect(sts.signedWith).toHaveLength(3);
    expect(new Set(sts.signedWith).size).toBe(1);
  });

  it('never promotes a key that STS does not accept', async () => {
    const oldKey = user.keys[0]?.accessKeyId;
    const token = await startRotation();
    await step('createSecret', token);
    const pending = sm.valueAt('nhi-gov/ci-deployer', 'AWSPENDING');
    const fresh = user.keys.find((k) => k.accessKeyId === pending?.accessKeyId);
    if (fresh) fresh.status = 'Inactive';

    await expect(step('testSecret', token)).rejects.toMatchObject({ code: 'ROTATION_FAILED' });

    expect(sm.valueAt('nhi-gov/ci-deployer')?.accessKeyId).toBe(oldKey);
    expect(user.keys.find((k) => k.accessKeyId === oldKey)?.status).toBe('Active');
  });

  it('deactivates the old key on a retried finishSecret after a failure past the stage move', async () => {
    const oldKey = user.keys[0]?.accessKeyId;
    const token = await startRotation();
    for (const s of ['createSecret', 'setSecret', 'testSecret'] as const) await step(s, token);
    iam.faults.failNext('UpdateAccessKey', throttling, 3);

    await expect(step('finishSecret', token)).rejects.toThrow(/Throttling/);
    expect(user.keys.find((k) => k.accessKeyId === oldKey)?.status).toBe('Active');
    await step('finishSecret', token);

    expect(user.keys.find((k) => k.accessKeyId === oldKey)?.status).toBe('Inactive');
    expect(sm.callNames().filter((c) => c === 'UpdateSecretVersionStage')).toHaveLength(1);
  });

  it('refuses every step of a secret whose rotation is disabled, calling nothing in IAM', async () => {
    const token = await startRotation();
    sm.resolve('nhi-gov/ci-deployer').rotationEnabled = false;

    for (const s of ROTATION_STEPS) {
      await expect(step(s, token)).rejects.toMatchObject({
        code: 'ROTATION_FAILED',
        message: expect.stringMatching(/does not have rotation enabled/),
      });
    }

    expect(iam.applied).toEqual([]);
    expect(sm.callNames().filter((c) => c === 'PutSecretValue' || c === 'UpdateSecretVersionStage')).toEqual(
      [],
    );
  });

  it("stops at a workload's second Active key with an unmanaged-access-key finding, and never deletes it", async () => {
    // Arrange: a key the workload made by hand the day before, outside the secret.
    const workloadKey = {
      accessKeyId: 'AKIAWORKLOADKEY00001',
      secretAccessKey: 'x',
      status: 'Active' as const,
      createDate: daysAgo(1),
    };
    user.keys.push(workloadKey);
    const token = await startRotation();
    // Act
    await expect(step('createSecret', token)).rejects.toMatchObject({
      code: 'ROTATION_FAILED',
      message: expect.stringMatching(/AKIAWORKLOADKEY00001 \(active/),
    });
    // Assert
    expect(user.keys.map((k) => k.accessKeyId)).toContain('AKIAWORKLOADKEY00001');
    expect(iam.applied).toEqual([]);
    const finding = await findings.get(
      findingId('unmanaged-access-key', 'user/ci-deployer', 'AKIAWORKLOADKEY00001'),
    );
    expect(finding).toMatchObject({
      status: 'open',
      severity: 'high',
      source: 'rotation',
      frameworks: { owaspNhi: expect.arrayContaining(['NHI7:2025 Long-Lived Secrets']) },
    });
    // Once the workload's key is gone (handed over or deleted by its owner), rotation goes on and the finding resolves.
    user.keys = user.keys.filter((k) => k.accessKeyId !== 'AKIAWORKLOADKEY00001');
    await rotateAll(token);
    expect(
      (await findings.get(findingId('unmanaged-access-key', 'user/ci-deployer', 'AKIAWORKLOADKEY00001')))
        ?.status,
    ).toBe('resolved');
  });

  it('fails testSecret at once, without retrying, when the new key signs in to another account', async () => {
    const token = await startRotation();
    await step('createSecret', token);
    sts.answerAs = { account: '444455556666', arn: 'arn:aws:iam::444455556666:user/nhi/ci-deployer' };

    await expect(step('testSecret', token)).rejects.toMatchObject({
      code: 'ROTATION_FAILED',
      message: expect.stringMatching(/account 444455556666.*not to the secret's account 111122223333/),
    });

    expect(sts.signedWith).toHaveLength(1);
  });

  it('fails testSecret at once on an identity that is not a user ARN, instead of waiting for propagation', async () => {
    const token = await startRotation();
    await step('createSecret', token);
    sts.answerAs = { account: '111122223333', arn: 'arn:aws:iam::111122223333:ci-deployer' };

    await expect(step('testSecret', token)).rejects.toMatchObject({
      code: 'ROTATION_FAILED',
      message: expect.stringMatching(
        /signs in as arn:aws:iam::111122223333:ci-deployer, not as user ci-deployer/,
      ),
    });

    expect(sts.signedWith).toHaveLength(1);
  });

  it('refuses a rotation event with missing fields, naming them', async () => {
    await expect(
      handler({ Step: 'createSecret', SecretId: secretArn }, lambdaContext()),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [expect.objectContaining({ path: 'ClientRequestToken' })],
    });
    expect(iam.mock.calls()).toHaveLength(0);
  });
});

describe('rotation function (on-demand from an approved rotate decision)', () => {
  function rotateDecision(overrides: Partial<Decision> = {}): Decision {
    return approved({
      kind: 'rotate',
      identityKey: 'user/ci-deployer',
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'the key leaked into a build log',
      },
      ...overrides,
    });
  }

  it('starts the rotation with this function, and reports the decision when it finishes', async () => {
    const decision = rotateDecision();
    await decisions.create(decision);
    const context = { ...lambdaContext(), invokedFunctionArn: ROTATE_FN };

    const outcome = await handler(decisionEvent(decision), context);
    await handler(decisionEvent(decision), context);
    const token = rotationToken(decision.id, decision.version);
    await rotateAll(token);

    expect(outcome).toMatchObject({ status: 'started', secretId: 'nhi-gov/ci-deployer', token });
    expect(sm.rotations).toEqual([{ secretName: 'nhi-gov/ci-deployer', token, lambdaArn: ROTATE_FN }]);
    expect(sm.resolve('nhi-gov/ci-deployer').tags[TAG_ROTATION_DECISION]).toBe(decision.id);
    expect((await trail.listForDecision(decision.id)).map((r) => `${r.action}:${r.status}`)).toEqual([
      'rotate-secret:succeeded',
      'complete:succeeded',
    ]);
    expect(published()[0]?.detail).toMatchObject({ trigger: 'decision', decisionId: decision.id });
    expect(user.keys.filter((k) => k.status === 'Active')).toHaveLength(1);
  });

  it('opens a forged-event finding and calls nothing for a rotate event its decision does not back', async () => {
    const decision = rotateDecision({ status: 'pending', version: 1 });
    await decisions.create(decision);

    const outcome = await handler(
      decisionEvent(decision, 'DecisionApproved', { status: 'approved' }),
      lambdaContext(),
    );

    expect(outcome).toMatchObject({ status: 'forged' });
    expect(sm.mock.calls()).toHaveLength(0);
    const finding = await findings.get(
      findingId('forged-event', `decision/${decision.id}`, 'DecisionApproved:1'),
    );
    expect(finding).toMatchObject({ source: 'rotation', status: 'open' });
  });

  it('waits for a scheduled rotation in progress, then starts its own; each rotation keeps its own attribution', async () => {
    // Arrange: a scheduled rotation is between createSecret and finishSecret.
    const scheduled = await startRotation();
    await step('createSecret', scheduled);
    await step('setSecret', scheduled);
    const decision = rotateDecision();
    await decisions.create(decision);
    const context = { ...lambdaContext(), invokedFunctionArn: ROTATE_FN };
    // While the decision waits, Secrets Manager finishes the scheduled rotation.
    onSleep = async () => {
      expect(sm.resolve('nhi-gov/ci-deployer').tags[TAG_ROTATION_DECISION]).toBeUndefined();
      await step('testSecret', scheduled);
      await step('finishSecret', scheduled);
    };
    // Act
    const outcome = await handler(decisionEvent(decision), context);
    const token = rotationToken(decision.id, decision.version);
    await rotateAll(token);
    // Assert
    expect(outcome).toMatchObject({ status: 'started', token });
    expect(sm.rotations.map((r) => r.token)).toEqual([scheduled, token]);
    expect(published().map((p) => [p.detail.trigger, p.detail.decisionId])).toEqual([
      ['schedule', undefined],
      ['decision', decision.id],
    ]);
    expect(user.keys.filter((k) => k.status === 'Active')).toHaveLength(1);
  });

  it("a second decision while the first one's rotation is pending retries later and never takes its attribution", async () => {
    // Arrange: decision 1 started its rotation; decision 2 arrives before it finished.
    const context = { ...lambdaContext(), invokedFunctionArn: ROTATE_FN };
    const first = rotateDecision();
    const second = rotateDecision();
    await decisions.create(first);
    await decisions.create(second);
    await handler(decisionEvent(first), context);
    const firstToken = rotationToken(first.id, first.version);
    await step('createSecret', firstToken);
    // Act: decision 2 waits its bounded time (nothing finishes meanwhile), then asks to be retried.
    await expect(handler(decisionEvent(second), context)).rejects.toMatchObject({
      code: 'PROVISIONING_RETRY',
      message: expect.stringMatching(/another rotation .* is still in progress/),
    });
    expect(sm.resolve('nhi-gov/ci-deployer').tags[TAG_ROTATION_DECISION]).toBe(first.id);
    for (const s of ['setSecret', 'testSecret', 'finishSecret'] as const) await step(s, firstToken);
    // Lambda delivers decision 2 again; now it starts.
    const retried = await handler(decisionEvent(second), context);
    const secondToken = rotationToken(second.id, second.version);
    await rotateAll(secondToken);
    // Assert
    expect(retried).toMatchObject({ status: 'started', token: secondToken });
    expect(published().map((p) => p.detail.decisionId)).toEqual([first.id, second.id]);
    expect((await trail.listForDecision(second.id)).map((r) => `${r.action}:${r.status}`)).toEqual([
      'rotate-secret:failed',
      'rotate-secret:succeeded',
      'complete:succeeded',
    ]);
    expect(user.keys.filter((k) => k.status === 'Active')).toHaveLength(1);
  });

  it("refuses to rotate a secret that holds another user's key", async () => {
    const decision = rotateDecision({
      identityKey: 'user/someone-else',
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'someone-else' },
        secretId: 'nhi-gov/ci-deployer',
        justification: 'the key leaked into a build log',
      },
    });
    await decisions.create(decision);

    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_FAILED',
    });

    expect(sm.rotations).toEqual([]);
    expect(await findings.listByStatus('open', 'provisioning-failed')).toHaveLength(1);
  });
});
