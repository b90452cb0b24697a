import { readdirSync, readFileSync, statSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAccount } from '../../../../lib/adapters/sandbox/iam-sandbox.js';
import {
  fileStores,
  LocalSandbox,
  memoryStores,
  sandboxPaths,
  seedSandbox,
} from '../../../../lib/adapters/sandbox/local-sandbox.js';
import { readSnapshot } from '../../../../lib/adapters/snapshot/read-snapshot.js';
import { ExternalCallError } from '../../../../lib/domain/provisioning/errors.js';
import type { PolicyDocument } from '../../../../lib/domain/request.js';
import { tempDir } from '../../../support/temp.js';

const BOUNDARY = 'arn:aws:iam::111122223333:policy/nhi-gov-boundary';
const clock = { now: () => new Date('2026-03-01T10:00:00Z') };
type Ref = { readonly type: 'role' | 'user'; readonly name: string };
const role: Ref = { type: 'role', name: 'app-reader' };
const user: Ref = { type: 'user', name: 'ci-bot' };

function sandbox() {
  const account = emptyAccount('111122223333');
  account.Policies.push({
    PolicyName: 'nhi-gov-boundary',
    Arn: BOUNDARY,
    DefaultVersionId: 'v1',
    PolicyVersionList: [
      { VersionId: 'v1', IsDefaultVersion: true, Document: { Version: '2012-10-17', Statement: [] } },
    ],
  });
  const box = new LocalSandbox(memoryStores(account), { clock });
  return { box, ports: box.ports() };
}

async function awsCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExternalCallError);
    return (error as ExternalCallError).awsCode;
  }
  throw new Error('expected the call to fail');
}

const trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const create = (ports: ReturnType<typeof sandbox>['ports'], ref: Ref, name = ref.name) =>
  ports.iam.createIdentity({
    identity: { ...ref, name },
    path: '/nhi/',
    permissionsBoundaryArn: BOUNDARY,
    tags: { 'nhi-gov:decision': 'd1' },
    ...(ref.type === 'role' ? { trustPolicy: trust } : {}),
  });

describe('IAM sandbox behind the SDK adapters', () => {
  it('creates a role under its path with boundary and tags, and reads it back as IAM would', async () => {
    // Arrange
    const { ports } = sandbox();
    // Act
    await create(ports, role);
    await ports.iam.attachPolicy(role, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    await ports.iam.putInlinePolicy(role, 'extra', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    });
    const state = await ports.iam.getIdentity(role);
    // Assert
    expect(state).toMatchObject({
      path: '/nhi/',
      arn: 'arn:aws:iam::111122223333:role/nhi/app-reader',
      permissionsBoundaryArn: BOUNDARY,
      tags: { 'nhi-gov:decision': 'd1' },
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      inlinePolicies: [{ name: 'extra', document: { Statement: [{ Action: 's3:GetObject' }] } }],
    });
  });

  it('refuses a second identity of the same name in any spelling with EntityAlreadyExists, and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
        fc.constantFrom(role, user),
        async (upper, ref) => {
          const { box, ports } = sandbox();
          await create(ports, ref);
          const before = JSON.stringify(box.iam.account());
          const spelled = [...ref.name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
          expect(await awsCodeOf(create(ports, ref, spelled))).toBe('EntityAlreadyExists');
          expect(JSON.stringify(box.iam.account())).toBe(before);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('allows two access keys per user and refuses a third with LimitExceeded', async () => {
    const { box, ports } = sandbox();
    await create(ports, user);
    const first = await ports.iam.createAccessKey(user.name);
    await ports.iam.createAccessKey(user.name);
    expect(await awsCodeOf(ports.iam.createAccessKey(user.name))).toBe('LimitExceeded');
    expect(await ports.iam.listAccessKeys(user.name)).toHaveLength(2);
    // The secret is never stored, only a digest: the file holds no secret half.
    expect(JSON.stringify(box.iam.account())).not.toContain(first.secretAccessKey);
    // The credential checker accepts the real pair only.
    await expect(ports.sts.callerIdentity(first)).resolves.toMatchObject({
      arn: 'arn:aws:iam::111122223333:user/nhi/ci-bot',
    });
    expect(await awsCodeOf(ports.sts.callerIdentity({ ...first, secretAccessKey: 'x' }))).toBe(
      'InvalidClientTokenId',
    );
    await ports.iam.setAccessKeyStatus(user.name, first.accessKeyId, 'Inactive');
    expect(await awsCodeOf(ports.sts.callerIdentity(first))).toBe('InvalidClientTokenId');
  });

  it('refuses to delete an identity that still holds anything with DeleteConflict, then deletes it once empty', async () => {
    const { ports } = sandbox();
    await create(ports, user);
    await ports.iam.attachPolicy(user, BOUNDARY);
    const key = await ports.iam.createAccessKey(user.name);
    expect(await awsCodeOf(ports.iam.deleteIdentity(user))).toBe('DeleteConflict');
    await ports.iam.detachPolicy(user, BOUNDARY);
    expect(await awsCodeOf(ports.iam.deleteIdentity(user))).toBe('DeleteConflict');
    await ports.iam.deleteAccessKey(user.name, key.accessKeyId);
    expect(await ports.iam.deleteIdentity(user)).toBe('ok');
    expect(await ports.iam.getIdentity(user)).toBeUndefined();
  });

  it('maps NoSuchEntity as the SDK adapter does: gone is done for deletes and detaches, an error for attaches', async () => {
    const { ports } = sandbox();
    await create(ports, role);
    expect(await ports.iam.detachPolicy(role, BOUNDARY)).toBe('already-done');
    expect(await ports.iam.deleteInlinePolicy(role, 'none')).toBe('already-done');
    expect(await ports.iam.deleteIdentity({ type: 'role', name: 'absent' })).toBe('already-done');
    expect(await awsCodeOf(ports.iam.attachPolicy(role, 'arn:aws:iam::111122223333:policy/absent'))).toBe(
      'NoSuchEntity',
    );
    expect(await awsCodeOf(ports.iam.attachPolicy({ type: 'role', name: 'absent' }, BOUNDARY))).toBe(
      'NoSuchEntity',
    );
  });

  it('refuses an eleventh managed policy with LimitExceeded and an oversized inline policy, writing nothing', async () => {
    const { box, ports } = sandbox();
    await create(ports, role);
    for (let n = 0; n < 10; n++) await ports.iam.attachPolicy(role, `arn:aws:iam::aws:policy/P${n}`);
    expect(await awsCodeOf(ports.iam.attachPolicy(role, 'arn:aws:iam::aws:policy/P10'))).toBe(
      'LimitExceeded',
    );
    const before = JSON.stringify(box.iam.account());
    const huge: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(10_300) }],
    };
    expect(await awsCodeOf(ports.iam.putInlinePolicy(role, 'huge', huge))).toBe('LimitExceeded');
    expect(JSON.stringify(box.iam.account())).toBe(before);
  });

  it('reads the managed policy documents it holds through the policy-documents adapter', async () => {
    const { ports } = sandbox();
    await expect(ports.policies.managedPolicy(BOUNDARY)).resolves.toMatchObject({ versionId: 'v1' });
    await expect(
      ports.policies.managedPolicy('arn:aws:iam::111122223333:policy/absent'),
    ).resolves.toBeUndefined();
  });
});

describe('IAM sandbox files', () => {
  it('seeds from a snapshot into a file that scan reads as it is, with a consistent credential report', async () => {
    // Arrange
    const home = tempDir();
    const inventory = await readSnapshot({
      gaadPath: 'examples/acme-gaad.json',
      credentialReportPath: 'examples/acme-credential-report.csv',
    });
    // Act
    seedSandbox(home, inventory);
    const box = LocalSandbox.open(home, clock);
    await box
      ?.ports()
      .iam.createAccessKey('ci-deployer')
      .catch((e) => e);
    const paths = sandboxPaths(home);
    const reread = await readSnapshot({ gaadPath: paths.gaad, credentialReportPath: paths.credentialReport });
    // Assert
    expect(reread.roles.map((r) => r.name).sort()).toEqual(inventory.roles.map((r) => r.name).sort());
    expect(reread.users.map((u) => u.name).sort()).toEqual(inventory.users.map((u) => u.name).sort());
    const deployer = reread.users.find((u) => u.name === 'ci-deployer');
    expect(deployer?.accessKeys.filter((k) => k.active)).toHaveLength(2);
    // Atomic writes leave no temporary file behind; secrets are owner-only.
    expect(readdirSync(paths.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(statSync(paths.secrets).mode & 0o077).toBe(0);
    expect(readFileSync(paths.gaad, 'utf8')).toContain('"UserDetailList"');
    expect(fileStores(home).iam.load()?.UserDetailList.length).toBe(inventory.users.length);
  });
});
