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
