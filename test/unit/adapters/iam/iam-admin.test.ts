import { IAMClient } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkIamAdmin } from '../../../../lib/adapters/iam/iam-admin.js';
import { ExternalCallError } from '../../../../lib/domain/provisioning/errors.js';
import { FakeIam, throttling } from '../../../support/fakes/iam.js';

const client = new IAMClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
};
let iam: FakeIam;
beforeEach(() => {
  iam = new FakeIam({ pageSize: 1 });
});
afterEach(() => iam.restore());

describe('SdkIamAdmin', () => {
  it('reads a user through every page of every list, with decoded inline documents', async () => {
    iam.addUser({
      name: 'ci',
      boundary: 'arn:aws:iam::111122223333:policy/b',
      tags: { 'nhi-gov:owner': 'team-ci' },
      attached: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B', 'arn:aws:iam::aws:policy/C'],
      inline: { one: DOC, two: DOC },
      groups: ['g1', 'g2'],
      keys: [{}, { status: 'Inactive' }],
    });

    const state = await new SdkIamAdmin(client).getIdentity({ type: 'user', name: 'ci' });

    expect(state).toMatchObject({
      path: '/nhi/',
      permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/b',
      tags: { 'nhi-gov:owner': 'team-ci' },
      attachedPolicyArns: [
        'arn:aws:iam::aws:policy/A',
        'arn:aws:iam::aws:policy/B',
        'arn:aws:iam::aws:policy/C',
      ],
      inlinePolicies: [
        { name: 'one', document: DOC },
        { name: 'two', document: DOC },
      ],
      groups: ['g1', 'g2'],
      hasLoginProfile: false,
    });
    expect(state?.accessKeys.map((k) => k.active)).toEqual([true, false]);
    expect(iam.callNames().filter((c) => c === 'ListAttachedUserPolicies')).toHaveLength(3);
  });

  it("reads a user's other credentials through every page only when asked, and IAM refuses DeleteUser while any remain", async () => {
    // Arrange
    iam.addUser({
      name: 'legacy',
      mfaDevices: [{ virtual: 'legacy' }, { hardware: 'GAHT12345678' }],
      signingCertificates: 2,
      sshPublicKeys: 2,
      serviceSpecificCredentials: ['codecommit.amazonaws.com', 'cassandra.amazonaws.com'],
    });
    const admin = new SdkIamAdmin(client);
    const ref = { type: 'user', name: 'legacy' } as const;
    const user = iam.users.get('legacy');
    // Act
    const plain = await admin.getIdentity(ref);
    const callsForPlain = iam.callNames().length;
    const full = await admin.getIdentity(ref, { userCredentials: true });
    const refused = await admin.deleteIdentity(ref).catch((e) => e);
    // Assert
    expect(plain?.mfaDevices).toBeUndefined();
    expect(full?.mfaDevices).toEqual([
      { serialNumber: 'arn:aws:iam::111122223333:mfa/legacy' },
      { serialNumber: 'GAHT12345678' },
    ]);
    expect(full?.signingCertificates).toEqual(user?.signingCertificates);
    expect(full?.sshPublicKeys).toEqual(user?.sshPublicKeys);
    expect(full?.serviceSpecificCredentials).toEqual(user?.serviceSpecificCredentials.map((c) => c.id));
    const later = iam.callNames().slice(callsForPlain);
    // Page size 1: two items of each kind take two pages of each list.
    for (const list of [
      'ListMFADevices',
      'ListSigningCertificates',
      'ListSSHPublicKeys',
      'ListServiceSpecificCredentials',
    ]) {
      expect(
        later.filter((c) => c === list),
        list,
      ).toHaveLength(2);
    }
    expect(refused).toMatchObject({ awsCode: 'DeleteConflict', retryable: false });
    expect(refused.message).toMatch(
      /MFA devices, signing certificates, SSH public keys, service-specific credentials/,
    );
    expect(iam.users.has('legacy')).toBe(true);
  });

  it('deactivates an MFA device before its virtual device can go, and treats what is gone as done', async () => {
    iam.addUser({ name: 'legacy', mfaDevices: [{ virtual: 'legacy' }] });
    const admin = new SdkIamAdmin(client);
    const serial = 'arn:aws:iam::111122223333:mfa/legacy';

    const inUse = await admin.deleteVirtualMfaDevice(serial).catch((e) => e);
    const deactivated = await admin.deactivateMfaDevice('legacy', serial);
    const deleted = await admin.deleteVirtualMfaDevice(serial);

    expect(inUse).toMatchObject({ awsCode: 'DeleteConflict' });
    expect([deactivated, deleted]).toEqual(['ok', 'ok']);
    expect(iam.virtualMfaDevices.size).toBe(0);
    expect(await admin.deactivateMfaDevice('legacy', serial)).toBe('already-done');
    expect(await admin.deleteVirtualMfaDevice(serial)).toBe('already-done');
    expect(await admin.deleteSigningCertificate('legacy', 'NOPE')).toBe('already-done');
    expect(await admin.deleteSshPublicKey('legacy', 'APKANOPE')).toBe('already-done');
    expect(await admin.deleteServiceSpecificCredential('legacy', 'ACCANOPE')).toBe('already-done');
  });

  it('returns undefined for a missing identity, and already-done for deletes of things already gone', async () => {
    const admin = new SdkIamAdmin(client);
    iam.addRole({ name: 'r' });

    expect(await admin.getIdentity({ type: 'role', name: 'nope' })).toBeUndefined();
    expect(await admin.detachPolicy({ type: 'role', name: 'r' }, 'arn:aws:iam::aws:policy/A')).toBe(
      'already-done',
    );
    expect(await admin.deleteInlinePolicy({ type: 'role', name: 'r' }, 'p')).toBe('already-done');
    expect(await admin.deleteIdentity({ type: 'user', name: 'nope' })).toBe('already-done');
    expect(await admin.attachPolicy({ type: 'role', name: 'r' }, 'arn:aws:iam::aws:policy/A')).toBe('ok');
  });

  it('turns SDK errors into ExternalCallError: throttling retryable, refusals not', async () => {
    const admin = new SdkIamAdmin(client);
    iam.addRole({ name: 'r' });
    iam.faults.failNext('AttachRolePolicy', throttling);

    const throttled = await admin
      .attachPolicy({ type: 'role', name: 'r' }, 'arn:aws:iam::aws:policy/A')
      .catch((e) => e);
    const exists = await admin
      .createIdentity({
        identity: { type: 'role', name: 'r' },
        path: '/nhi/',
        permissionsBoundaryArn: 'x',
        tags: {},
        trustPolicy: DOC as never,
      })
      .catch((e) => e);

    expect(throttled).toBeInstanceOf(ExternalCallError);
    expect(throttled).toMatchObject({ awsCode: 'Throttling', retryable: true });
    expect(exists).toMatchObject({ awsCode: 'EntityAlreadyExists', retryable: false });
    expect(exists.message).toMatch(/^iam:CreateRole on role\/r failed: EntityAlreadyExists/);
  });
});
