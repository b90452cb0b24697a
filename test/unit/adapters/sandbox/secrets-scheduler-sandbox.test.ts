import { describe, expect, it } from 'vitest';
import { SchedulerSandbox } from '../../../../lib/adapters/sandbox/scheduler-sandbox.js';
import { SecretsSandbox } from '../../../../lib/adapters/sandbox/secrets-sandbox.js';
import { MemoryState } from '../../../../lib/adapters/sandbox/state-file.js';
import { EventBridgeRevokeScheduler } from '../../../../lib/adapters/scheduler/revoke-scheduler.js';
import { SecretsManagerVault } from '../../../../lib/adapters/secrets-manager/secret-vault.js';
import { ExternalCallError } from '../../../../lib/domain/provisioning/errors.js';
import { ROTATION_IN_PROGRESS } from '../../../../lib/ports/secret-vault.js';

const clock = { now: () => new Date('2026-03-01T10:00:00Z') };
const key = (id: string) => ({
  userName: 'ci-bot',
  accessKeyId: `AKIA${id.slice(4).padEnd(16, 'X')}`,
  secretAccessKey: `secret-${id}-${'s'.repeat(30)}`,
});
const TOKEN_1 = '11111111-1111-4111-8111-111111111111';
const TOKEN_2 = '22222222-2222-4222-8222-222222222222';

describe('Secrets Manager sandbox behind SecretsManagerVault', () => {
  it('keeps versions and staging labels as Secrets Manager does, and refuses a second pending rotation', async () => {
    // Arrange
    const box = new SecretsSandbox(new MemoryState(), { clock, accountId: '111122223333' });
    const vault = new SecretsManagerVault(box.client());
    await vault.create('nhi-gov/ci-bot', key('AKIA1'), { owner: 'team' });
    // Act
    await vault.rotate('nhi-gov/ci-bot', {
      token: TOKEN_1,
      rotationLambdaArn: 'arn:aws:lambda:us-east-1:1:function:r',
    });
    const second = vault.rotate('nhi-gov/ci-bot', {
      token: TOKEN_2,
      rotationLambdaArn: 'arn:aws:lambda:us-east-1:1:function:r',
    });
    await vault.putValue('nhi-gov/ci-bot', key('AKIA2'), { token: TOKEN_1, stages: ['AWSPENDING'] });
    // The same version id with another value is a conflict; with the same value a retry.
    const conflict = vault.putValue('nhi-gov/ci-bot', key('AKIA3'), {
      token: TOKEN_1,
      stages: ['AWSPENDING'],
    });
    await vault.putValue('nhi-gov/ci-bot', key('AKIA2'), { token: TOKEN_1, stages: ['AWSPENDING'] });
    const before = await vault.describe('nhi-gov/ci-bot');
    const current = Object.entries(before?.versions ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    await vault.moveStage('nhi-gov/ci-bot', 'AWSCURRENT', TOKEN_1, current);
    // Assert
    await expect(second).rejects.toMatchObject({ awsCode: ROTATION_IN_PROGRESS, retryable: true });
    await expect(conflict).rejects.toBeInstanceOf(ExternalCallError);
    await expect(vault.readAccessKey('nhi-gov/ci-bot')).resolves.toMatchObject({
      accessKeyId: 'AKIA2XXXXXXXXXXXXXXX',
    });
    await expect(vault.readAccessKey('nhi-gov/ci-bot', { stage: 'AWSPREVIOUS' })).resolves.toMatchObject({
      accessKeyId: 'AKIA1XXXXXXXXXXXXXXX',
    });
    expect(box.pendingRotations()).toEqual([
      expect.objectContaining({ token: TOKEN_1, lambdaArn: 'arn:aws:lambda:us-east-1:1:function:r' }),
    ]);
    // What `sandbox show` prints carries no value.
    expect(JSON.stringify(box.summary())).not.toContain('secret-AKIA');
  });

  it('treats a missing secret as gone: describe undefined, delete already-done', async () => {
    const vault = new SecretsManagerVault(
      new SecretsSandbox(new MemoryState(), { clock, accountId: '1' }).client(),
    );
    await expect(vault.describe('nhi-gov/none')).resolves.toBeUndefined();
    await expect(vault.delete('nhi-gov/none', 7)).resolves.toBe('already-done');
  });
});

describe('Scheduler sandbox behind the revoke scheduler', () => {
  it('stores one schedule per name, fires it when due and not before, and cancels once', async () => {
    // Arrange
    const box = new SchedulerSandbox(new MemoryState());
    const scheduler = new EventBridgeRevokeScheduler(box.client(), {
      groupName: 'nhi-gov-jit',
      eventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/nhi-gov',
      roleArn: 'arn:aws:iam::111122223333:role/nhi-gov/scheduler',
    });
    const schedule = {
      name: 'nhi-gov-revoke-d1',
      expression: 'at(2026-03-01T11:00:00)',
      detail: { schemaVersion: '1', decisionId: 'd1', reason: 'jit-expired' } as never,
    };
    // Act
    const first = await scheduler.create(schedule);
    const again = await scheduler.create(schedule);
    // Assert
    expect([first, again]).toEqual(['ok', 'already-done']);
    expect(box.due(new Date('2026-03-01T10:59:59Z'))).toEqual([]);
    expect(
      box.due(new Date('2026-03-01T11:00:00Z')).map((s) => s.target.EventBridgeParameters?.DetailType),
    ).toEqual(['RevokeRequested']);
    await expect(scheduler.cancel(schedule.name)).resolves.toBe('ok');
    await expect(scheduler.cancel(schedule.name)).resolves.toBe('already-done');
    expect(box.schedules()).toEqual([]);
  });
});
