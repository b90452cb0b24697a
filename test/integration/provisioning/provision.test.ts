import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../../functions/shared/observability.js';
import { RevokeRequestedDetail } from '../../../lib/domain/events.js';
import { COMPLETE_ACTION } from '../../../lib/domain/execution.js';
import { findingId } from '../../../lib/domain/finding.js';
import { TAG_DECISION_ID, TAG_OWNER } from '../../../lib/domain/provisioning/guardrails.js';
import { revokeScheduleName } from '../../../lib/domain/provisioning/schedule.js';
import { serviceFailure, throttling } from '../../support/fakes/iam.js';
import {
  approved,
  BOUNDARY,
  BUS_ARN,
  CrashingTrail,
  DECIDED_AT,
  decisionEvent,
  EXECUTOR,
  type Harness,
  harness,
  lambdaContext,
  READ_ONLY,
  SCHEDULER_ROLE,
} from './harness.js';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('./env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const { buildHandler } = await import('../../../functions/provision/handler.js');

const TRUST = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.restore());

function handlerFor(provision = h.provision()) {
  return buildHandler({
    provision,
    persistenceStore: h.persistence,
    observability: observability('provision-test'),
  });
}

async function scanIdempotency() {
  const r = await h.tables.doc.send(new ScanCommand({ TableName: h.tables.names.idempotency }));
  return { items: (r.Items ?? []) as { id: string }[] };
}

async function records(decisionId: string) {
  return h.trail.listForDecision(decisionId);
}

describe('provision function', () => {
  it('applies an approved grant with exactly one IAM mutation and records it, ending with a complete record', async () => {
    // Arrange
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved();
    await h.decisions.create(decision);
    // Act
    const outcome = await handlerFor()(decisionEvent(decision), lambdaContext());
    // Assert
    expect(h.iam.applied).toEqual([
      { command: 'AttachRolePolicy', input: { RoleName: 'payments-batch', PolicyArn: READ_ONLY } },
    ]);
    expect(h.iam.roles.get('payments-batch')?.attached).toEqual([READ_ONLY]);
    expect(outcome).toMatchObject({ status: 'succeeded', latencyMs: 60_000 });
    const trail = await records(decision.id);
    expect(trail.map((r) => [r.step, r.action, r.status])).toEqual([
      [0, 'attach-policy', 'succeeded'],
      [1, COMPLETE_ACTION, 'succeeded'],
    ]);
    expect(trail[0]?.calls).toEqual([
      expect.objectContaining({
        api: 'iam:AttachRolePolicy',
        target: `role/payments-batch:${READ_ONLY}`,
        outcome: 'ok',
      }),
    ]);
    expect(trail[1]).toMatchObject({
      executor: EXECUTOR,
      decisionVersion: 2,
      decidedAt: DECIDED_AT,
      latencyMs: 60_000,
      identityArn: 'arn:aws:iam::111122223333:role/nhi/payments-batch',
    });
    expect(h.sm.mock.calls()).toHaveLength(0);
    expect(h.scheduler.mock.calls()).toHaveLength(0);
  });

  it('creates a role under the managed path with the permissions boundary and the decision and owner tags', async () => {
    const decision = approved({
      kind: 'create-identity',
      identityKey: 'role/etl-loader',
      owner: 'team-data',
      request: {
        kind: 'create-identity',
        identity: { type: 'role', name: 'etl-loader' },
        trustPolicy: TRUST,
        description: 'loads the warehouse',
        tags: { costCenter: 'cc-42', [TAG_OWNER]: 'someone-else' },
        owner: 'team-data',
        justification: 'the nightly warehouse load needs its own role',
      },
    });
    await h.decisions.create(decision);

    await handlerFor()(decisionEvent(decision), lambdaContext());

    expect(h.iam.applied).toHaveLength(1);
    expect(h.iam.applied[0]).toEqual({
      command: 'CreateRole',
      input: {
        RoleName: 'etl-loader',
        Path: '/nhi/',
        PermissionsBoundary: BOUNDARY,
        AssumeRolePolicyDocument: JSON.stringify(TRUST),
        Description: 'loads the warehouse',
        Tags: [
          { Key: 'costCenter', Value: 'cc-42' },
          { Key: TAG_DECISION_ID, Value: decision.id },
          { Key: TAG_OWNER, Value: 'team-data' },
        ],
      },
    });
  });

  it('creates a user and its access key straight into a secret, never logging or returning the secret key', async () => {
    const decision = approved({
      kind: 'create-identity',
      identityKey: 'user/ci-deployer',
      request: {
        kind: 'create-identity',
        identity: { type: 'user', name: 'ci-deployer' },
        owner: 'team-platform',
        justification: 'the CI pipeline deploys with this user',
      },
      owner: 'team-platform',
    });
    await h.decisions.create(decision);
    const logged: string[] = [];
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const handler = handlerFor();
    vi.unstubAllEnvs();
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });

    const outcome = await handler(decisionEvent(decision), lambdaContext());
    spy.mockRestore();

    expect(h.iam.appliedCommands()).toEqual(['CreateUser', 'CreateAccessKey']);
    expect(h.iam.applied[0]?.input).toMatchObject({ Path: '/nhi/', PermissionsBoundary: BOUNDARY });
    const key = h.iam.users.get('ci-deployer')?.keys[0];
    expect(h.sm.valueAt('nhi-gov/ci-deployer')).toEqual({
      userName: 'ci-deployer',
      accessKeyId: key?.accessKeyId,
      secretAccessKey: key?.secretAccessKey,
    });
    expect(h.sm.resolve('nhi-gov/ci-deployer').tags).toEqual({
      [TAG_DECISION_ID]: decision.id,
      [TAG_OWNER]: 'team-platform',
    });
    const secret = key?.secretAccessKey as string;
    const trail = await records(decision.id);
    expect(JSON.stringify(trail)).not.toContain(secret);
    expect(JSON.stringify(outcome)).not.toContain(secret);
    expect(logged.join('')).toContain('decision executed');
    expect(logged.join('')).not.toContain(secret);
    expect(trail[1]?.calls.map((c) => c.api)).toEqual(['iam:CreateAccessKey', 'secretsmanager:CreateSecret']);
  });

  it('schedules the revoke of a just-in-time grant at its expiry, targeting the bus, never IAM', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved({ expiresAt: '2026-03-01T18:00:00.250Z' });
    await h.decisions.create(decision);

    await handlerFor()(decisionEvent(decision), lambdaContext());

    const schedule = h.scheduler.schedules.get(`nhi-gov-jit/${revokeScheduleName(decision.id)}`);
    expect(schedule).toMatchObject({
      ScheduleExpression: 'at(2026-03-01T18:00:01)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: BUS_ARN,
        RoleArn: SCHEDULER_ROLE,
        EventBridgeParameters: { DetailType: 'RevokeRequested', Source: 'nhi-gov' },
      },
    });
    expect(RevokeRequestedDetail.parse(JSON.parse(schedule?.Target.Input))).toEqual({
      schemaVersion: '1',
      decisionId: decision.id,
      reason: 'jit-expiry',
      requestedBy: 'system:scheduler',
      requestedAt: '2026-03-01T18:00:01.000Z',
    });
    expect((await records(decision.id)).map((r) => r.action)).toEqual([
      'schedule-revoke',
      'attach-policy',
      'complete',
    ]);
  });

  it('makes no second mutation when the same event is delivered again, also once the idempotency record is gone', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved({ expiresAt: '2026-03-02T10:00:00.000Z' });
    await h.decisions.create(decision);
    const handler = handlerFor();
    const event = decisionEvent(decision);

    const first = await handler(event, lambdaContext());
    const second = await handler({ ...event, id: 'redelivered' }, lambdaContext());
    // The idempotency record expires (TTL): the trail's complete record still stops a second mutation.
    const { items } = await scanIdempotency();
    expect(items).toHaveLength(1);
    for (const item of items)
      await h.tables.doc.send(
        new DeleteCommand({ TableName: h.tables.names.idempotency, Key: { id: item.id } }),
      );
    const third = await handler({ ...event, id: 'after-ttl' }, lambdaContext());

    expect(second).toEqual(first);
    expect(third.status).toBe('already-complete');
    expect(h.iam.appliedCommands()).toEqual(['AttachRolePolicy']);
    expect(h.scheduler.callNames()).toEqual(['CreateSchedule']);
    expect((await records(decision.id)).map((r) => r.action)).toEqual([
      'schedule-revoke',
      'attach-policy',
      'complete',
    ]);
  });

  describe('refuses forged and stale events: no IAM call, a forged-event finding', () => {
    const cases = [
      {
        name: 'no such decision',
        arrange: async () => approved(),
        event: (d: ReturnType<typeof approved>) => decisionEvent(d),
        reason: /does not exist/,
      },
      {
        name: 'a decision still pending',
        arrange: async () => {
          const d = approved({ status: 'pending', version: 1 });
          await h.decisions.create(d);
          return d;
        },
        event: (d: ReturnType<typeof approved>) =>
          decisionEvent(d, 'DecisionApproved', { status: 'approved' }),
        reason: /is pending/,
      },
      {
        name: 'an old version',
        arrange: async () => {
          const d = approved({ version: 3, status: 'approved' });
          await h.decisions.create(d);
          return d;
        },
        event: (d: ReturnType<typeof approved>) => decisionEvent({ ...d, version: 2 }),
        reason: /version 3, the event names version 2/,
      },
    ];
    for (const c of cases) {
      it(`for ${c.name}`, async () => {
        h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
        const decision = await c.arrange();
        const event = c.event(decision);

        const outcome = await handlerFor()(event, lambdaContext());

        expect(outcome.status).toBe('forged');
        expect(h.iam.mock.calls()).toHaveLength(0);
        expect(h.scheduler.mock.calls()).toHaveLength(0);
        expect(await records(decision.id)).toEqual([]);
        const finding = await h.findings.get(
          findingId('forged-event', `decision/${decision.id}`, `DecisionApproved:${event.detail.version}`),
        );
        expect(finding).toMatchObject({
          type: 'forged-event',
          status: 'open',
          severity: 'critical',
          source: 'provisioning',
        });
        expect(finding?.title).toMatch(c.reason);
      });
    }
  });

  it('answers its own approval arriving after the grant ended (delayed past a JIT window) with a provisioning-failed finding, not a forged-event alarm, and no IAM call', async () => {
    // Arrange: a genuine approval whose window closed before its event arrived (found by the soak).
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved({ expiresAt: '2026-03-01T09:59:30.000Z' });
    await h.decisions.create(decision);
    const event = decisionEvent(decision);

    // Act
    const outcome = await handlerFor()(event, lambdaContext());

    // Assert
    expect(outcome.status).toBe('expired');
    expect(outcome.reason).toMatch(/expired at 2026-03-01T09:59:30.000Z, before it could be executed/);
    expect(h.iam.mock.calls()).toHaveLength(0);
    expect(h.scheduler.mock.calls()).toHaveLength(0);
    expect(await records(decision.id)).toEqual([]);
    expect(
      await h.findings.get(
        findingId('forged-event', `decision/${decision.id}`, `DecisionApproved:${decision.version}`),
      ),
    ).toBeUndefined();
    const failed = await h.findings.listByStatus('open', 'provisioning-failed');
    expect(failed.map((f) => f.evidence.decisionId)).toEqual([decision.id]);
  });

  it('ends a throttled multi-step change complete after retries within the invocation, with no duplicate', async () => {
    const decision = approved({
      kind: 'create-identity',
      identityKey: 'user/ci-deployer',
      request: {
        kind: 'create-identity',
        identity: { type: 'user', name: 'ci-deployer' },
        owner: 'team-platform',
        justification: 'the CI pipeline deploys with this user',
      },
    });
    await h.decisions.create(decision);
    h.iam.faults.failNext('CreateAccessKey', throttling, 2);

    await handlerFor()(decisionEvent(decision), lambdaContext());

    expect(h.iam.appliedCommands()).toEqual(['CreateUser', 'CreateAccessKey']);
    expect(h.iam.users.get('ci-deployer')?.keys).toHaveLength(1);
    const step = (await records(decision.id)).find((r) => r.action === 'create-access-key');
    expect(step?.calls.map((c) => `${c.api}:${c.outcome}`)).toEqual([
      'iam:CreateAccessKey:error',
      'iam:CreateAccessKey:error',
      'iam:CreateAccessKey:ok',
      'secretsmanager:CreateSecret:ok',
    ]);
  });

  it('resumes a deletion that failed mid-way on the next delivery, without repeating the steps already done', async () => {
    h.iam.addUser({
      name: 'old-etl',
      boundary: BOUNDARY,
      attached: [READ_ONLY, 'arn:aws:iam::111122223333:policy/nhi/etl-write'],
      inline: {
        scratch: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        },
      },
      groups: ['etl'],
      loginProfile: true,
      keys: [{}],
    });
    h.sm.addSecret('nhi-gov/old-etl', {
      userName: 'old-etl',
      accessKeyId: 'AKIAOLDOLDOLDOLD0000',
      secretAccessKey: 'x',
    });
    const decision = approved({
      kind: 'delete-identity',
      identityKey: 'user/old-etl',
      request: {
        kind: 'delete-identity',
        identity: { type: 'user', name: 'old-etl' },
        justification: 'the ETL moved to a role; offboard the user',
      },
    });
    await h.decisions.create(decision);
    // The second detach fails through every in-invocation retry (3 attempts).
    h.iam.faults.failNext('DetachUserPolicy', serviceFailure, 3, { after: 1 });
    const handler = handlerFor();

    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_RETRY',
    });
    const afterFirst = h.iam.appliedCommands();
    const outcome = await handler(decisionEvent(decision), lambdaContext());

    expect(outcome.status).toBe('succeeded');
    expect(h.iam.users.has('old-etl')).toBe(false);
    expect(h.sm.resolve('nhi-gov/old-etl').deletedDate).toBeInstanceOf(Date);
    const applied = h.iam.appliedCommands();
    expect(applied).toEqual([
      'DeleteLoginProfile',
      'DeleteAccessKey',
      'RemoveUserFromGroup',
      'DetachUserPolicy',
      'DetachUserPolicy',
      'DeleteUserPolicy',
      'DeleteUser',
    ]);
    expect(afterFirst).toEqual([
      'DeleteLoginProfile',
      'DeleteAccessKey',
      'RemoveUserFromGroup',
      'DetachUserPolicy',
    ]);
    const trail = await records(decision.id);
    expect(trail.map((r) => `${r.action}:${r.status}`)).toEqual([
      'delete-login-profile:succeeded',
      'delete-access-key:succeeded',
      'remove-from-group:succeeded',
      'detach-policy:succeeded',
      'detach-policy:failed',
      'detach-policy:succeeded',
      'delete-inline-policy:succeeded',
      'delete-identity:succeeded',
      'delete-key-secret:succeeded',
      'complete:succeeded',
    ]);
    expect(trail[4]?.calls.map((c) => c.outcome)).toEqual(['error', 'error', 'error']);
  });

  describe('deleting a user with MFA devices, signing certificates, SSH keys and service-specific credentials', () => {
    const VIRTUAL = 'arn:aws:iam::111122223333:mfa/legacy-deploy';
    const HARDWARE = 'GAHT12345678';

    async function seedLegacyUser() {
      const user = h.iam.addUser({
        name: 'legacy-deploy',
        boundary: BOUNDARY,
        keys: [{}],
        mfaDevices: [{ virtual: 'legacy-deploy' }, { hardware: HARDWARE }],
        signingCertificates: 1,
        sshPublicKeys: 1,
        serviceSpecificCredentials: ['codecommit.amazonaws.com'],
      });
      const decision = approved({
        kind: 'delete-identity',
        identityKey: 'user/legacy-deploy',
        request: {
          kind: 'delete-identity',
          identity: { type: 'user', name: 'legacy-deploy' },
          justification: 'the deploy pipeline moved to OIDC; offboard the user',
        },
      });
      await h.decisions.create(decision);
      return {
        decision,
        certificateId: user.signingCertificates[0],
        sshKeyId: user.sshPublicKeys[0],
        credentialId: user.serviceSpecificCredentials[0]?.id,
      };
    }

    const EXPECTED_MUTATIONS = [
      'DeleteAccessKey',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
      'DeactivateMFADevice',
      'DeleteSigningCertificate',
      'DeleteSSHPublicKey',
      'DeleteServiceSpecificCredential',
      'DeleteUser',
    ];

    it('removes all of them, then the user: nothing is left in IAM and each removal is recorded', async () => {
      // Arrange
      const { decision, certificateId, sshKeyId, credentialId } = await seedLegacyUser();
      // Act
      const outcome = await handlerFor()(decisionEvent(decision), lambdaContext());
      // Assert
      expect(outcome.status).toBe('succeeded');
      expect(h.iam.users.has('legacy-deploy')).toBe(false);
      expect(h.iam.virtualMfaDevices.size).toBe(0);
      expect(h.iam.appliedCommands()).toEqual(EXPECTED_MUTATIONS);
      expect(h.iam.applied.find((a) => a.command === 'DeleteVirtualMFADevice')?.input).toEqual({
        SerialNumber: VIRTUAL,
      });
      const trail = await records(decision.id);
      expect(trail.map((r) => [r.action, r.calls.map((c) => `${c.api} ${c.target} ${c.outcome}`)])).toEqual([
        [
          'delete-access-key',
          [expect.stringMatching(/^iam:DeleteAccessKey user\/legacy-deploy:access-key\/AKIA/)],
        ],
        ['deactivate-mfa-device', [`iam:DeactivateMFADevice user/legacy-deploy:mfa-device/${VIRTUAL} ok`]],
        [
          'delete-virtual-mfa-device',
          [`iam:DeleteVirtualMFADevice user/legacy-deploy:virtual-mfa-device/${VIRTUAL} ok`],
        ],
        ['deactivate-mfa-device', [`iam:DeactivateMFADevice user/legacy-deploy:mfa-device/${HARDWARE} ok`]],
        [
          'delete-signing-certificate',
          [`iam:DeleteSigningCertificate user/legacy-deploy:signing-certificate/${certificateId} ok`],
        ],
        [
          'delete-ssh-public-key',
          [`iam:DeleteSSHPublicKey user/legacy-deploy:ssh-public-key/${sshKeyId} ok`],
        ],
        [
          'delete-service-specific-credential',
          [
            `iam:DeleteServiceSpecificCredential user/legacy-deploy:service-specific-credential/${credentialId} ok`,
          ],
        ],
        ['delete-identity', ['iam:DeleteUser user/legacy-deploy ok']],
        ['delete-key-secret', ['secretsmanager:DeleteSecret secret:nhi-gov/legacy-deploy already-done']],
        [COMPLETE_ACTION, []],
      ]);
    });

    it('resumes after a crash between a removal and its record without a second mutation', async () => {
      // Arrange: the function dies after DeleteVirtualMFADevice (3rd step) and after
      // DeleteSSHPublicKey (6th step), each time before the step's record is written.
      const { decision } = await seedLegacyUser();
      const crashAt = (n: number) =>
        handlerFor(h.provision({ trail: new CrashingTrail(h.trail, new Set([n])) }));
      // Act
      await expect(crashAt(3)(decisionEvent(decision), lambdaContext())).rejects.toThrow(/crashed/);
      await expect(crashAt(4)(decisionEvent(decision), lambdaContext())).rejects.toThrow(/crashed/);
      const retry = await handlerFor()(decisionEvent(decision), lambdaContext());
      // Assert
      expect(retry.status).toBe('succeeded');
      expect(h.iam.users.has('legacy-deploy')).toBe(false);
      expect(h.iam.virtualMfaDevices.size).toBe(0);
      expect(h.iam.appliedCommands()).toEqual(EXPECTED_MUTATIONS);
      const trail = await records(decision.id);
      expect(trail.map((r) => r.action)).toEqual([
        'delete-access-key',
        'deactivate-mfa-device',
        // Second attempt: the virtual device was already gone (known from the trail, not the user).
        'delete-virtual-mfa-device',
        'deactivate-mfa-device',
        'delete-signing-certificate',
        // Third attempt: the SSH key was already gone, so no step for it is planned.
        'delete-service-specific-credential',
        'delete-identity',
        'delete-key-secret',
        COMPLETE_ACTION,
      ]);
      expect(trail[2]?.calls).toEqual([
        expect.objectContaining({ api: 'iam:DeleteVirtualMFADevice', outcome: 'already-done' }),
      ]);
    });

    it('deletes a deactivated virtual device on the retry after its deletion failed, though the user no longer shows it', async () => {
      // Arrange
      const { decision } = await seedLegacyUser();
      h.iam.faults.failNext('DeleteVirtualMFADevice', throttling, 3);
      const handler = handlerFor();
      // Act
      await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
        code: 'PROVISIONING_RETRY',
      });
      const stillThere = h.iam.virtualMfaDevices.has(VIRTUAL);
      const outcome = await handler(decisionEvent(decision), lambdaContext());
      // Assert
      expect(stillThere).toBe(true);
      expect(outcome.status).toBe('succeeded');
      expect(h.iam.virtualMfaDevices.size).toBe(0);
      expect(h.iam.users.has('legacy-deploy')).toBe(false);
      expect(h.iam.appliedCommands()).toEqual(EXPECTED_MUTATIONS);
    });
  });

  it('recovers a crash between an IAM call and its record without a second mutation', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved();
    await h.decisions.create(decision);
    // The attach happens, then the function dies before its record is written.
    const crashing = handlerFor(h.provision({ trail: new CrashingTrail(h.trail, new Set([1])) }));

    await expect(crashing(decisionEvent(decision), lambdaContext())).rejects.toThrow(/crashed/);
    const retry = await handlerFor()(decisionEvent(decision), lambdaContext());

    expect(retry.status).toBe('succeeded');
    expect(h.iam.appliedCommands()).toEqual(['AttachRolePolicy']);
    const trail = await records(decision.id);
    expect(trail.map((r) => r.action)).toEqual(['attach-policy', 'complete']);
    expect(trail[0]?.calls).toEqual([
      expect.objectContaining({ api: 'iam:AttachRolePolicy', outcome: 'already-done', durationMs: 0 }),
    ]);
  });

  it('refuses an identity outside the managed path: no mutation, refused and failed records, a finding, an error for the DLQ', async () => {
    h.iam.addRole({ name: 'payments-batch', path: '/', boundary: BOUNDARY });
    const decision = approved();
    await h.decisions.create(decision);

    await expect(handlerFor()(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_FAILED',
      message: expect.stringMatching(/outside the managed path \/nhi\//),
    });

    expect(h.iam.applied).toEqual([]);
    const trail = await records(decision.id);
    expect(trail.map((r) => `${r.action}:${r.status}`)).toEqual([
      'guardrail-check:refused',
      'complete:failed',
    ]);
    const finding = await h.findings.get(
      findingId('provisioning-failed', 'role/payments-batch', `${decision.id}:2`),
    );
    expect(finding).toMatchObject({ status: 'open', owner: 'team-payments', source: 'provisioning' });
  });

  it('refuses a grant to an identity without the permissions boundary', async () => {
    h.iam.addRole({ name: 'payments-batch' });
    const decision = approved();
    await h.decisions.create(decision);

    await expect(handlerFor()(decisionEvent(decision), lambdaContext())).rejects.toThrow(
      /does not carry the permissions boundary/,
    );
    expect(h.iam.applied).toEqual([]);
  });

  it('refuses to adopt an existing identity on create, and fails again on redelivery without touching IAM', async () => {
    h.iam.addRole({ name: 'etl-loader', boundary: BOUNDARY });
    const decision = approved({
      kind: 'create-identity',
      identityKey: 'role/etl-loader',
      request: {
        kind: 'create-identity',
        identity: { type: 'role', name: 'etl-loader' },
        trustPolicy: TRUST,
        owner: 'team-data',
        justification: 'the nightly warehouse load needs its own role',
      },
    });
    await h.decisions.create(decision);
    const handler = handlerFor();

    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toThrow(
      /not created by decision/,
    );
    const callsBefore = h.iam.mock.calls().length;
    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toThrow(/already failed/);

    expect(h.iam.mock.calls()).toHaveLength(callsBefore);
    expect(h.iam.applied).toEqual([]);
    expect((await records(decision.id)).filter((r) => r.action === 'complete')).toHaveLength(1);
  });

  it('fails for good at once on a non-retryable IAM error, with a finding', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved();
    await h.decisions.create(decision);
    const { NoSuchEntityException } = await import('@aws-sdk/client-iam');
    h.iam.faults.failNext(
      'AttachRolePolicy',
      () => new NoSuchEntityException({ message: 'Policy does not exist', $metadata: {} }),
    );

    await expect(handlerFor()(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_FAILED',
    });

    expect((await records(decision.id)).map((r) => `${r.action}:${r.status}`)).toEqual([
      'attach-policy:failed',
      'complete:failed',
    ]);
    expect(await h.findings.listByStatus('open', 'provisioning-failed')).toHaveLength(1);
  });

  it('fails for good after the configured number of failed deliveries', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const decision = approved();
    await h.decisions.create(decision);
    h.iam.faults.failNext('AttachRolePolicy', throttling, 9);
    const handler = handlerFor();

    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_RETRY',
    });
    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_RETRY',
    });
    await expect(handler(decisionEvent(decision), lambdaContext())).rejects.toMatchObject({
      code: 'PROVISIONING_FAILED',
    });

    const trail = await records(decision.id);
    expect(trail.map((r) => `${r.action}:${r.status}`)).toEqual([
      'attach-policy:failed',
      'attach-policy:failed',
      'attach-policy:failed',
      'complete:failed',
    ]);
    expect(trail[3]?.error).toMatch(/after 3 attempts/);
    expect(h.iam.applied).toEqual([]);
  });

  it('removes a revoked just-in-time grant and cancels its schedule', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY, attached: [READ_ONLY] });
    const decision = approved({
      status: 'revoked',
      version: 3,
      expiresAt: '2026-03-01T18:00:00.000Z',
      updatedAt: '2026-03-01T09:59:50.000Z',
    });
    await h.decisions.create(decision);
    h.scheduler.schedules.set(`nhi-gov-jit/${revokeScheduleName(decision.id)}`, { Name: 'x' });

    const outcome = await handlerFor()(decisionEvent(decision, 'DecisionRevoked'), lambdaContext());

    expect(h.iam.appliedCommands()).toEqual(['DetachRolePolicy']);
    expect(h.scheduler.schedules.size).toBe(0);
    expect(outcome.latencyMs).toBe(10_000);
  });

  it('keeps an entitlement that another in-force grant still gives when one grant expires', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY, attached: [READ_ONLY] });
    const expired = approved({ status: 'expired', version: 3, expiresAt: '2026-03-01T09:00:00.000Z' });
    const standing = approved();
    await h.decisions.create(expired);
    await h.decisions.create(standing);

    const outcome = await handlerFor()(decisionEvent(expired, 'DecisionExpired'), lambdaContext());

    expect(h.iam.applied).toEqual([]);
    expect(outcome.notes).toEqual([expect.stringMatching(/another in-force decision still grants it/)]);
  });

  it('executes an approved revoke and cancels the schedule of the grant it ends', async () => {
    h.iam.addRole({
      name: 'payments-batch',
      boundary: BOUNDARY,
      inline: {
        scratch: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      },
    });
    const grant = approved({ status: 'revoked', version: 3, expiresAt: '2026-03-02T00:00:00.000Z' });
    await h.decisions.create(grant);
    h.scheduler.schedules.set(`nhi-gov-jit/${revokeScheduleName(grant.id)}`, { Name: 'x' });
    const revoke = approved({
      kind: 'revoke',
      revokes: grant.id,
      request: {
        kind: 'revoke',
        identity: { type: 'role', name: 'payments-batch' },
        entitlement: { type: 'inline-policy', policyName: 'scratch' },
        revokes: grant.id,
        justification: 'the investigation is over',
      },
    });
    await h.decisions.create(revoke);

    await handlerFor()(decisionEvent(revoke), lambdaContext());

    expect(h.iam.appliedCommands()).toEqual(['DeleteRolePolicy']);
    expect(h.scheduler.schedules.size).toBe(0);
  });

  it('rejects a malformed event naming every bad field, and writes nothing', async () => {
    const event = decisionEvent(approved(), 'DecisionApproved', { version: 'zero', decisionId: 'x' });

    await expect(handlerFor()({ ...event, source: 'someone-else' }, lambdaContext())).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: 'source' }),
        expect.objectContaining({ path: 'detail.version' }),
        expect.objectContaining({ path: 'detail.decisionId' }),
      ]),
    });
    expect(h.iam.mock.calls()).toHaveLength(0);
    expect(await h.findings.listByStatus('open')).toEqual([]);
  });
});
