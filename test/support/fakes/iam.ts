import { randomBytes } from 'node:crypto';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteLoginProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  EntityAlreadyExistsException,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListInstanceProfilesForRoleCommand,
  ListMFADevicesCommand,
  ListRolePoliciesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  type Tag,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

export const FAKE_ACCOUNT = '111122223333';
const meta = { $metadata: {} };

/** A throttling error as IAM sends it (error code `Throttling`, retryable). */
export function throttling(): Error {
  return new IAMServiceException({
    name: 'Throttling',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A server-side failure (`ServiceFailure`, 500). */
export function serviceFailure(): Error {
  return new IAMServiceException({
    name: 'ServiceFailure',
    $fault: 'server',
    message: 'Request processing has failed because of an unknown error',
    $metadata: { httpStatusCode: 500 },
  });
}

/** Errors queued for calls of a command, so a test can fail a step in the middle of a change. */
export class Faults {
  private readonly queue: { command: string; error: () => Error; remaining: number; skip: number }[] = [];

  /**
   * The next `times` calls of `command` (e.g. `CreateAccessKey`) throw `error` instead of running;
   * with `after`, that many calls go through first.
   */
  failNext(command: string, error: Error | (() => Error), times = 1, options: { after?: number } = {}): void {
    this.queue.push({
      command,
      error: typeof error === 'function' ? error : () => error,
      remaining: times,
      skip: options.after ?? 0,
    });
  }

  /** Throws if a fault is queued for this command. */
  check(command: string): void {
    const fault = this.queue.find((f) => f.command === command && f.remaining > 0);
    if (!fault) return;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return;
    }
    fault.remaining -= 1;
    throw fault.error();
  }
}

export interface FakeKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  status: 'Active' | 'Inactive';
  readonly createDate: Date;
}

interface FakeIdentityBase {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly createDate: Date;
  boundary?: string;
  tags: Record<string, string>;
  attached: string[];
  inline: Map<string, string>;
}
export interface FakeRole extends FakeIdentityBase {
  trustPolicy: string;
  instanceProfiles: string[];
}
export interface FakeUser extends FakeIdentityBase {
  keys: FakeKey[];
  groups: string[];
  loginProfile: boolean;
  /** Serial numbers of the MFA devices enabled for the user (a virtual device's serial is its ARN). */
  mfaDevices: string[];
  signingCertificates: string[];
  sshPublicKeys: string[];
  serviceSpecificCredentials: { readonly id: string; readonly serviceName: string }[];
}

const MUTATIONS = new Set([
  'CreateRole',
  'CreateUser',
  'DeleteRole',
  'DeleteUser',
  'AttachRolePolicy',
  'AttachUserPolicy',
  'DetachRolePolicy',
  'DetachUserPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'RemoveRoleFromInstanceProfile',
  'RemoveUserFromGroup',
  'DeleteLoginProfile',
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
  'DeleteSigningCertificate',
  'DeleteSSHPublicKey',
  'DeleteServiceSpecificCredential',
]);

const noSuch = (what: string) =>
  new NoSuchEntityException({ message: `The ${what} cannot be found.`, ...meta });
const toTagList = (t: Record<string, string>): Tag[] =>
  Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
const fromTagList = (t: readonly Tag[] | undefined) =>
  Object.fromEntries((t ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));

const keyId = () => `AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;
const keySecret = () => randomBytes(30).toString('base64').slice(0, 40);
const upperId = (prefix: string, length: number) =>
  `${prefix}${randomBytes(length)
    .toString('hex')
    .toUpperCase()
    .slice(0, length - prefix.length)}`;

/**
 * A stateful in-memory IAM behind aws-sdk-client-mock: CreateRole adds a role that GetRole then reads,
 * lists paginate with Marker/IsTruncated, deletes refuse with DeleteConflict while anything is
 * attached, a user holds at most two keys. `applied` lists every mutation that took effect.
 */
export class FakeIam {
  readonly mock: AwsClientStub<IAMClient>;
  readonly roles = new Map<string, FakeRole>();
  readonly users = new Map<string, FakeUser>();
  /** Virtual MFA devices by serial (ARN), and the user each is assigned to (none once deactivated). */
  readonly virtualMfaDevices = new Map<string, { assignedTo?: string }>();
  /** Managed policies by ARN: their default version and every version's document (GetPolicy/GetPolicyVersion). */
  readonly managedPolicies = new Map<
    string,
    { defaultVersionId: string; versions: Record<string, unknown> }
  >();
  readonly faults = new Faults();
  /** Mutations that took effect, in order (failed calls are not here). */
  readonly applied: { command: string; input: Record<string, unknown> }[] = [];
  /** Called after each mutation takes effect: lets a test keep one timeline across several fakes. */
  onApplied: ((command: string, input: Record<string, unknown>) => void) | undefined;
  now: () => Date;

  constructor(options: { pageSize?: number; now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
    const pageSize = options.pageSize ?? 100;
    const page = <T>(items: readonly T[], input: { Marker?: string; MaxItems?: number }) => {
      const start = input.Marker ? Number(input.Marker) : 0;
      const end = start + (input.MaxItems ?? pageSize);
      return {
        items: items.slice(start, end),
        IsTruncated: end < items.length,
        ...(end < items.length ? { Marker: String(end) } : {}),
      };
    };
    const mock = mockClient(IAMClient);
    this.mock = mock;
    // biome-ignore lint/suspicious/noExplicitAny: command inputs are plain objects in the fake.
    type In = any;
    const on = (
      // biome-ignore lint/suspicious/noExplicitAny: any SDK command class.
      command: any,
      name: string,
      fn: (input: In) => unknown,
    ) => {
      mock.on(command).callsFake(async (input: In) => {
        this.faults.check(name);
        const out = fn(input);
        if (MUTATIONS.has(name)) {
          this.applied.push({ command: name, input });
          this.onApplied?.(name, input);
        }
        return out;
      });
    };

    on(GetRoleCommand, 'GetRole', (i) => ({ Role: this.roleOut(this.role(i.RoleName)), ...meta }));
    const managed = (arn: string) => {
      const p = this.managedPolicies.get(arn);
      if (!p) throw new NoSuchEntityException({ message: `Policy ${arn} was not found.`, ...meta });
      return p;
    };
    on(GetPolicyCommand, 'GetPolicy', (i) => ({
      Policy: { Arn: i.PolicyArn, DefaultVersionId: managed(i.PolicyArn).defaultVersionId },
      ...meta,
    }));
    on(GetPolicyVersionCommand, 'GetPolicyVersion', (i) => {
      const document = managed(i.PolicyArn).versions[i.VersionId];
      if (document === undefined)
        throw new NoSuchEntityException({ message: `Version ${i.VersionId} was not found.`, ...meta });
      // IAM returns documents URL-encoded.
      return {
        PolicyVersion: { VersionId: i.VersionId, Document: encodeURIComponent(JSON.stringify(document)) },
        ...meta,
      };
    });
    on(GetUserCommand, 'GetUser', (i) => ({ User: this.userOut(this.user(i.UserName)), ...meta }));
    on(CreateRoleCommand, 'CreateRole', (i) => {
      this.assertFree(i.RoleName, this.roles);
      const role: FakeRole = {
        ...this.base(i.RoleName, i.Path ?? '/', 'role', i.PermissionsBoundary, fromTagList(i.Tags)),
        trustPolicy: i.AssumeRolePolicyDocument,
        instanceProfiles: [],
      };
      this.roles.set(role.name, role);
      return { Role: this.roleOut(role), ...meta };
    });
    on(CreateUserCommand, 'CreateUser', (i) => {
      this.assertFree(i.UserName, this.users);
      const user: FakeUser = {
        ...this.base(i.UserName, i.Path ?? '/', 'user', i.PermissionsBoundary, fromTagList(i.Tags)),
        keys: [],
        groups: [],
        loginProfile: false,
        mfaDevices: [],
        signingCertificates: [],
        sshPublicKeys: [],
        serviceSpecificCredentials: [],
      };
      this.users.set(user.name, user);
      return { User: this.userOut(user), ...meta };
    });
    on(DeleteRoleCommand, 'DeleteRole', (i) => {
      const role = this.role(i.RoleName);
      if (role.attached.length || role.inline.size || role.instanceProfiles.length) {
        throw new DeleteConflictException({
          message: 'Cannot delete entity, must detach all policies first.',
          ...meta,
        });
      }
      this.roles.delete(role.name);
      return meta;
    });
    on(DeleteUserCommand, 'DeleteUser', (i) => {
      const user = this.user(i.UserName);
      // IAM refuses while any of these remain; a permissions boundary does not block deletion.
      const left = [
        user.attached.length ? 'attached policies' : '',
        user.inline.size ? 'inline policies' : '',
        user.keys.length ? 'access keys' : '',
        user.groups.length ? 'group memberships' : '',
        user.loginProfile ? 'login profile' : '',
        user.mfaDevices.length ? 'MFA devices' : '',
        user.signingCertificates.length ? 'signing certificates' : '',
        user.sshPublicKeys.length ? 'SSH public keys' : '',
        user.serviceSpecificCredentials.length ? 'service-specific credentials' : '',
      ].filter(Boolean);
      if (left.length) {
        throw new DeleteConflictException({
          message: `Cannot delete entity, must remove ${left.join(', ')} first.`,
          ...meta,
        });
      }
      this.users.delete(user.name);
      return meta;
    });
    const attach = (who: FakeIdentityBase, arn: string) => {
      if (!who.attached.includes(arn)) who.attached.push(arn);
      return meta;
    };
    const detach = (who: FakeIdentityBase, arn: string) => {
      if (!who.attached.includes(arn)) throw noSuch(`policy ${arn} attached to ${who.name}`);
      who.attached = who.attached.filter((a) => a !== arn);
      return meta;
    };
    on(AttachRolePolicyCommand, 'AttachRolePolicy', (i) => attach(this.role(i.RoleName), i.PolicyArn));
    on(AttachUserPolicyCommand, 'AttachUserPolicy', (i) => attach(this.user(i.UserName), i.PolicyArn));
    on(DetachRolePolicyCommand, 'DetachRolePolicy', (i) => detach(this.role(i.RoleName), i.PolicyArn));
    on(DetachUserPolicyCommand, 'DetachUserPolicy', (i) => detach(this.user(i.UserName), i.PolicyArn));
    on(PutRolePolicyCommand, 'PutRolePolicy', (i) => {
      this.role(i.RoleName).inline.set(i.PolicyName, i.PolicyDocument);
      return meta;
    });
    on(PutUserPolicyCommand, 'PutUserPolicy', (i) => {
      this.user(i.UserName).inline.set(i.PolicyName, i.PolicyDocument);
      return meta;
    });
    const getInline = (who: FakeIdentityBase, name: string) => {
      const doc = who.inline.get(name);
      if (doc === undefined) throw noSuch(`inline policy ${name}`);
      // IAM returns documents URL-encoded.
      return { PolicyName: name, PolicyDocument: encodeURIComponent(doc), ...meta };
    };
    on(GetRolePolicyCommand, 'GetRolePolicy', (i) => getInline(this.role(i.RoleName), i.PolicyName));
    on(GetUserPolicyCommand, 'GetUserPolicy', (i) => getInline(this.user(i.UserName), i.PolicyName));
    const deleteInline = (who: FakeIdentityBase, name: string) => {
      if (!who.inline.delete(name)) throw noSuch(`inline policy ${name}`);
      return meta;
    };
    on(DeleteRolePolicyCommand, 'DeleteRolePolicy', (i) => deleteInline(this.role(i.RoleName), i.PolicyName));
    on(DeleteUserPolicyCommand, 'DeleteUserPolicy', (i) => deleteInline(this.user(i.UserName), i.PolicyName));
    const attachedOut = (who: FakeIdentityBase, i: In) => {
      const p = page(who.attached, i);
      return {
        AttachedPolicies: p.items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').at(-1) })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    };
    on(ListAttachedRolePoliciesCommand, 'ListAttachedRolePolicies', (i) =>
      attachedOut(this.role(i.RoleName), i),
    );
    on(ListAttachedUserPoliciesCommand, 'ListAttachedUserPolicies', (i) =>
      attachedOut(this.user(i.UserName), i),
    );
    const inlineOut = (who: FakeIdentityBase, i: In) => {
      const p = page([...who.inline.keys()], i);
      return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker, ...meta };
    };
    on(ListRolePoliciesCommand, 'ListRolePolicies', (i) => inlineOut(this.role(i.RoleName), i));
    on(ListUserPoliciesCommand, 'ListUserPolicies', (i) => inlineOut(this.user(i.UserName), i));
    on(ListInstanceProfilesForRoleCommand, 'ListInstanceProfilesForRole', (i) => {
      const p = page(this.role(i.RoleName).instanceProfiles, i);
      return {
        InstanceProfiles: p.items.map((n) => ({ InstanceProfileName: n })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(RemoveRoleFromInstanceProfileCommand, 'RemoveRoleFromInstanceProfile', (i) => {
      const role = this.role(i.RoleName);
      if (!role.instanceProfiles.includes(i.InstanceProfileName))
        throw noSuch(`instance profile ${i.InstanceProfileName}`);
      role.instanceProfiles = role.instanceProfiles.filter((n) => n !== i.InstanceProfileName);
      return meta;
    });
    on(ListGroupsForUserCommand, 'ListGroupsForUser', (i) => {
      const p = page(this.user(i.UserName).groups, i);
      return {
        Groups: p.items.map((g) => ({ GroupName: g })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(RemoveUserFromGroupCommand, 'RemoveUserFromGroup', (i) => {
      const user = this.user(i.UserName);
      if (!user.groups.includes(i.GroupName)) throw noSuch(`group ${i.GroupName}`);
      user.groups = user.groups.filter((g) => g !== i.GroupName);
      return meta;
    });
    on(GetLoginProfileCommand, 'GetLoginProfile', (i) => {
      const user = this.user(i.UserName);
      if (!user.loginProfile) throw noSuch(`login profile for ${user.name}`);
      return { LoginProfile: { UserName: user.name, CreateDate: user.createDate }, ...meta };
    });
    on(DeleteLoginProfileCommand, 'DeleteLoginProfile', (i) => {
      const user = this.user(i.UserName);
      if (!user.loginProfile) throw noSuch(`login profile for ${user.name}`);
      user.loginProfile = false;
      return meta;
    });
    on(ListAccessKeysCommand, 'ListAccessKeys', (i) => {
      const user = this.user(i.UserName);
      const p = page(user.keys, i);
      return {
        AccessKeyMetadata: p.items.map((k) => ({
          UserName: user.name,
          AccessKeyId: k.accessKeyId,
          Status: k.status,
          CreateDate: k.createDate,
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(CreateAccessKeyCommand, 'CreateAccessKey', (i) => {
      const user = this.user(i.UserName);
      if (user.keys.length >= 2) {
        throw new LimitExceededException({
          message: 'Cannot exceed quota for AccessKeysPerUser: 2',
          ...meta,
        });
      }
      const key: FakeKey = {
        accessKeyId: keyId(),
        secretAccessKey: keySecret(),
        status: 'Active',
        createDate: this.now(),
      };
      user.keys.push(key);
      return {
        AccessKey: {
          UserName: user.name,
          AccessKeyId: key.accessKeyId,
          SecretAccessKey: key.secretAccessKey,
          Status: 'Active',
          CreateDate: key.createDate,
        },
        ...meta,
      };
    });
    on(UpdateAccessKeyCommand, 'UpdateAccessKey', (i) => {
      const key = this.user(i.UserName).keys.find((k) => k.accessKeyId === i.AccessKeyId);
      if (!key) throw noSuch(`access key ${i.AccessKeyId}`);
      key.status = i.Status;
      return meta;
    });
    on(ListMFADevicesCommand, 'ListMFADevices', (i) => {
      const user = this.user(i.UserName);
      const p = page(user.mfaDevices, i);
      return {
        MFADevices: p.items.map((serial) => ({
          UserName: user.name,
          SerialNumber: serial,
          EnableDate: user.createDate,
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(DeactivateMFADeviceCommand, 'DeactivateMFADevice', (i) => {
      const user = this.user(i.UserName);
      if (!user.mfaDevices.includes(i.SerialNumber)) throw noSuch(`MFA device ${i.SerialNumber}`);
      user.mfaDevices = user.mfaDevices.filter((s) => s !== i.SerialNumber);
      const virtual = this.virtualMfaDevices.get(i.SerialNumber);
      if (virtual) delete virtual.assignedTo;
      return meta;
    });
    on(DeleteVirtualMFADeviceCommand, 'DeleteVirtualMFADevice', (i) => {
      const virtual = this.virtualMfaDevices.get(i.SerialNumber);
      if (!virtual) throw noSuch(`virtual MFA device ${i.SerialNumber}`);
      if (virtual.assignedTo) {
        throw new DeleteConflictException({
          message: 'MFA Device is still in use.',
          ...meta,
        });
      }
      this.virtualMfaDevices.delete(i.SerialNumber);
      return meta;
    });
    on(ListSigningCertificatesCommand, 'ListSigningCertificates', (i) => {
      const user = this.user(i.UserName);
      const p = page(user.signingCertificates, i);
      return {
        Certificates: p.items.map((id) => ({
          UserName: user.name,
          CertificateId: id,
          CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
          Status: 'Active',
          UploadDate: user.createDate,
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(DeleteSigningCertificateCommand, 'DeleteSigningCertificate', (i) => {
      const user = this.user(i.UserName);
      if (!user.signingCertificates.includes(i.CertificateId))
        throw noSuch(`signing certificate ${i.CertificateId}`);
      user.signingCertificates = user.signingCertificates.filter((c) => c !== i.CertificateId);
      return meta;
    });
    on(ListSSHPublicKeysCommand, 'ListSSHPublicKeys', (i) => {
      const user = this.user(i.UserName);
      const p = page(user.sshPublicKeys, i);
      return {
        SSHPublicKeys: p.items.map((id) => ({
          UserName: user.name,
          SSHPublicKeyId: id,
          Status: 'Active',
          UploadDate: user.createDate,
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(DeleteSSHPublicKeyCommand, 'DeleteSSHPublicKey', (i) => {
      const user = this.user(i.UserName);
      if (!user.sshPublicKeys.includes(i.SSHPublicKeyId)) throw noSuch(`SSH public key ${i.SSHPublicKeyId}`);
      user.sshPublicKeys = user.sshPublicKeys.filter((k) => k !== i.SSHPublicKeyId);
      return meta;
    });
    on(ListServiceSpecificCredentialsCommand, 'ListServiceSpecificCredentials', (i) => {
      const user = this.user(i.UserName);
      const p = page(user.serviceSpecificCredentials, i);
      return {
        ServiceSpecificCredentials: p.items.map((c) => ({
          UserName: user.name,
          ServiceSpecificCredentialId: c.id,
          ServiceName: c.serviceName,
          ServiceUserName: `${user.name}-at-${FAKE_ACCOUNT}`,
          Status: 'Active',
          CreateDate: user.createDate,
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
        ...meta,
      };
    });
    on(DeleteServiceSpecificCredentialCommand, 'DeleteServiceSpecificCredential', (i) => {
      const user = this.user(i.UserName);
      if (!user.serviceSpecificCredentials.some((c) => c.id === i.ServiceSpecificCredentialId))
        throw noSuch(`service-specific credential ${i.ServiceSpecificCredentialId}`);
      user.serviceSpecificCredentials = user.serviceSpecificCredentials.filter(
        (c) => c.id !== i.ServiceSpecificCredentialId,
      );
      return meta;
    });
    on(DeleteAccessKeyCommand, 'DeleteAccessKey', (i) => {
      const user = this.user(i.UserName);
      if (!user.keys.some((k) => k.accessKeyId === i.AccessKeyId))
        throw noSuch(`access key ${i.AccessKeyId}`);
      user.keys = user.keys.filter((k) => k.accessKeyId !== i.AccessKeyId);
      return meta;
    });
  }

  private base(
    name: string,
    path: string,
    type: 'role' | 'user',
    boundary: string | undefined,
    tags: Record<string, string>,
  ): FakeIdentityBase {
    return {
      name,
      path,
      arn: `arn:aws:iam::${FAKE_ACCOUNT}:${type}${path}${name}`,
      id: `${type === 'role' ? 'AROA' : 'AIDA'}${randomBytes(8).toString('hex').toUpperCase()}`,
      createDate: this.now(),
      ...(boundary ? { boundary } : {}),
      tags,
      attached: [],
      inline: new Map(),
    };
  }

  private assertFree(name: string, map: Map<string, unknown>): void {
    if (map.has(name))
      throw new EntityAlreadyExistsException({ message: `Entity ${name} already exists.`, ...meta });
  }

  private role(name: string): FakeRole {
    const role = this.roles.get(name);
    if (!role) throw noSuch(`role with name ${name}`);
    return role;
  }

  private user(name: string): FakeUser {
    const user = this.users.get(name);
    if (!user) throw noSuch(`user with name ${name}`);
    return user;
  }

  private roleOut(r: FakeRole) {
    return {
      RoleName: r.name,
      RoleId: r.id,
      Arn: r.arn,
      Path: r.path,
      CreateDate: r.createDate,
      AssumeRolePolicyDocument: encodeURIComponent(r.trustPolicy),
      ...(r.boundary
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryType: 'Policy' as const,
              PermissionsBoundaryArn: r.boundary,
            },
          }
        : {}),
      Tags: toTagList(r.tags),
    };
  }

  private userOut(u: FakeUser) {
    return {
      UserName: u.name,
      UserId: u.id,
      Arn: u.arn,
      Path: u.path,
      CreateDate: u.createDate,
      ...(u.boundary
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryType: 'Policy' as const,
              PermissionsBoundaryArn: u.boundary,
            },
          }
        : {}),
      Tags: toTagList(u.tags),
    };
  }

  /** Seeds a role as if it existed before the test. */
  addRole(spec: {
    name: string;
    path?: string;
    boundary?: string;
    tags?: Record<string, string>;
    attached?: string[];
    inline?: Record<string, unknown>;
    instanceProfiles?: string[];
  }): FakeRole {
    const role: FakeRole = {
      ...this.base(spec.name, spec.path ?? '/nhi/', 'role', spec.boundary, spec.tags ?? {}),
      trustPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
      instanceProfiles: [...(spec.instanceProfiles ?? [])],
    };
    role.attached = [...(spec.attached ?? [])];
    for (const [k, v] of Object.entries(spec.inline ?? {})) role.inline.set(k, JSON.stringify(v));
    this.roles.set(role.name, role);
    return role;
  }

  /** Seeds a user as if it existed before the test. */
  addUser(spec: {
    name: string;
    path?: string;
    boundary?: string;
    tags?: Record<string, string>;
    attached?: string[];
    inline?: Record<string, unknown>;
    groups?: string[];
    loginProfile?: boolean;
    keys?: { status?: 'Active' | 'Inactive'; createDate?: Date }[];
    /** A virtual device (name) is also registered as a virtual MFA device assigned to the user. */
    mfaDevices?: ({ virtual: string } | { hardware: string })[];
    signingCertificates?: number;
    sshPublicKeys?: number;
    /** Service names, e.g. `codecommit.amazonaws.com`. */
    serviceSpecificCredentials?: string[];
  }): FakeUser {
    const mfaDevices = (spec.mfaDevices ?? []).map((d) => {
      if ('hardware' in d) return d.hardware;
      const serial = `arn:aws:iam::${FAKE_ACCOUNT}:mfa/${d.virtual}`;
      this.virtualMfaDevices.set(serial, { assignedTo: spec.name });
      return serial;
    });
    const user: FakeUser = {
      ...this.base(spec.name, spec.path ?? '/nhi/', 'user', spec.boundary, spec.tags ?? {}),
      keys: (spec.keys ?? []).map((k) => ({
        accessKeyId: keyId(),
        secretAccessKey: keySecret(),
        status: k.status ?? 'Active',
        createDate: k.createDate ?? this.now(),
      })),
      groups: [...(spec.groups ?? [])],
      loginProfile: spec.loginProfile ?? false,
      mfaDevices,
      signingCertificates: Array.from({ length: spec.signingCertificates ?? 0 }, () => upperId('', 32)),
      sshPublicKeys: Array.from({ length: spec.sshPublicKeys ?? 0 }, () => upperId('APKA', 20)),
      serviceSpecificCredentials: (spec.serviceSpecificCredentials ?? []).map((serviceName) => ({
        id: upperId('ACCA', 20),
        serviceName,
      })),
    };
    user.attached = [...(spec.attached ?? [])];
    for (const [k, v] of Object.entries(spec.inline ?? {})) user.inline.set(k, JSON.stringify(v));
    this.users.set(user.name, user);
    return user;
  }

  /** Finds an access key and its user anywhere in the account. */
  findKey(accessKeyId: string): { user: FakeUser; key: FakeKey } | undefined {
    for (const user of this.users.values()) {
      const key = user.keys.find((k) => k.accessKeyId === accessKeyId);
      if (key) return { user, key };
    }
    return undefined;
  }

  /** Names of the applied mutations, e.g. `['CreateUser', 'CreateAccessKey']`. */
  appliedCommands(): string[] {
    return this.applied.map((a) => a.command);
  }

  /** Every call the client received, by command name (including failed ones). */
  callNames(): string[] {
    return this.mock
      .calls()
      .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
  }

  restore(): void {
    this.mock.restore();
  }
}
