import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerVault } from '../../../../lib/adapters/secrets-manager/secret-vault.js';
import { FakeSecretsManager } from '../../../support/fakes/secrets-manager.js';

const client = new SecretsManagerClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
let sm: FakeSecretsManager;
beforeEach(() => {
  sm = new FakeSecretsManager();
});
afterEach(() => sm.restore());

describe('SecretsManagerVault', () => {
  it('reads an access-key secret by stage and by version', async () => {
    const value = { userName: 'ci', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 's3cr3t' };
    sm.addSecret('nhi-gov/ci', value);
    const vault = new SecretsManagerVault(client);

    expect(await vault.readAccessKey('nhi-gov/ci')).toEqual(value);
    expect(await vault.readAccessKey('nhi-gov/ci', { stage: 'AWSPENDING' })).toBeUndefined();
    expect(await vault.readAccessKey('nhi-gov/missing')).toBeUndefined();
  });

  it('names the bad fields of a secret that is not an access key, never its value', async () => {
    sm.addSecret('nhi-gov/odd', { userName: 'ci', secretAccessKey: 'do-not-print-me', accessKeyId: 42 });

    const error = await new SecretsManagerVault(client).readAccessKey('nhi-gov/odd').catch((e) => e);

    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [expect.objectContaining({ path: 'accessKeyId' })],
    });
    expect(JSON.stringify({ m: error.message, i: error.issues })).not.toContain('do-not-print-me');
  });

  it('treats deleting a missing secret as done and reports a scheduled deletion', async () => {
    sm.addSecret('nhi-gov/ci', { userName: 'ci', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' });
    const vault = new SecretsManagerVault(client);

    expect(await vault.delete('nhi-gov/ci', 7)).toBe('ok');
    expect((await vault.describe('nhi-gov/ci'))?.deletedAt).toBeDefined();
    expect(await vault.delete('nhi-gov/never', 7)).toBe('already-done');
  });
});
