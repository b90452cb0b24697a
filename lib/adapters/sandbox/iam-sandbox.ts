import { createHash, randomBytes } from 'node:crypto';
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  IAMClient,
  InvalidInputException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { IAM_LIMITS } from '../../domain/bounds.js';
import type { Clock } from '../../ports/clock.js';
import { answerInProcess, IN_PROCESS_CLIENT_CONFIG } from './in-process-client.js';
import type { StateStore } from './state-file.js';

/*
 * An IAM account in one JSON document: a GetAccountAuthorizationDetails export (so `scan --gaad` reads
 * the file as it is) with what GAAD leaves out (access keys, login profiles, MFA devices, the credential
 * report's other columns) under one extra top-level key, which GAAD readers ignore.
 */

type Tag = { Key: string; Value: string };
type Attached = { PolicyName: string; PolicyArn: string };
type Inline = { PolicyName: string; PolicyDocument: unknown };

export interface SandboxRole {
  Path: string;
  RoleName: string;
  RoleId: string;
  Arn: string;
  CreateDate: string;
  AssumeRolePolicyDocument?: unknown;
  Description?: string;
  InstanceProfileList: { InstanceProfileName: string; Arn?: string }[];
  RolePolicyList: Inline[];
  AttachedManagedPolicies: Attached[];
  Tags: Tag[];
  PermissionsBoundary?: { PermissionsBoundaryType: string; PermissionsBoundaryArn: string };
  RoleLastUsed?: { LastUsedDate?: string; Region?: string };
  [field: string]: unknown;
}

export interface SandboxUser {
  Path: string;
  UserName: string;
  UserId: string;
  Arn: string;
  CreateDate: string;
  GroupList: string[];
  UserPolicyList: Inline[];
  AttachedManagedPolicies: Attached[];
  Tags: Tag[];
  PermissionsBoundary?: { PermissionsBoundaryType: string; PermissionsBoundaryArn: string };
  [field: string]: unknown;
}

export interface SandboxGroup {
  GroupName: string;
  Arn: string;
  Path?: string;
  GroupPolicyList?: Inline[];
  AttachedManagedPolicies?: Attached[];
  [field: string]: unknown;
}

export interface SandboxPolicy {
  PolicyName: string;
  Arn: string;
  DefaultVersionId: string;
  Path?: string;
  AttachmentCount?: number;
  PolicyVersionList?: { VersionId?: string; IsDefaultVersion?: boolean; Document?: unknown }[];
  [field: string]: unknown;
}

/** One access key. The secret is never stored: only its SHA-256, so a credential check can compare. */
export interface SandboxAccessKey {
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
  LastUsedDate?: string;
  LastUsedService?: string;
  LastUsedRegion?: string;
  /** sha256 of the secret half; absent for keys imported from a credential report. */
  SecretSha256?: string;
}

/** What GAAD does not carry, kept beside it under SANDBOX_KEY. */
export interface SandboxExtra {
  schemaVersion: 1;
  accountId: string;
  accessKeys: Record<string, SandboxAccessKey[]>;
  loginProfiles: string[];
  /** User name -> serial numbers of the MFA devices assigned to it. */
  mfaDevices: Record<string, string[]>;
  /** Virtual MFA devices that exist but are assigned to nobody. */
  unassignedMfaDevices: string[];
  signingCertificates: Record<string, string[]>;
  sshPublicKeys: Record<string, string[]>;
  serviceSpecificCredentials: Record<string, string[]>;
  /** Credential report cells the sandbox does not derive (password use, ...), by user name. */
  reportCells: Record<string, Record<string, string>>;
}

export const SANDBOX_KEY = 'NhiGovSandbox';

export interface SandboxAccount {
  UserDetailList: SandboxUser[];
  GroupDetailList: SandboxGroup[];
  RoleDetailList: SandboxRole[];
  Policies: SandboxPolicy[];
  [SANDBOX_KEY]: SandboxExtra;
}

/** A customer-managed policy as a GAAD export lists it: one version, `v1`, the default. */
export function sandboxPolicy(name: string, arn: string, document: unknown): SandboxPolicy {
  return {
    PolicyName: name,
    Arn: arn,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: 0,
    PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: document }],
  };
}

/** An empty account. */
export function emptyAccount(accountId: string): SandboxAccount {
  return {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
    [SANDBOX_KEY]: {
      schemaVersion: 1,
      accountId,
      accessKeys: {},
      loginProfiles: [],
      mfaDevices: {},
      unassignedMfaDevices: [],
      signingCertificates: {},
      sshPublicKeys: {},
      serviceSpecificCredentials: {},
      reportCells: {},
    },
  };
}

/** IAM's default quota of managed policies attached to one role or user. */
export const MANAGED_POLICIES_PER_IDENTITY = 10;
/** IAM's limit on the aggregate size of a role's (10,240) or user's (2,048) inline policies. */
const INLINE_BYTES = { role: IAM_LIMITS.policyDocumentChars, user: 2_048 } as const;
const ACCESS_KEYS_PER_USER = 2;
const PATH = /^\/([\x21-\x7e]+\/)?$/;

const meta = { $metadata: {} };
const noSuchEntity = (message: string) => new NoSuchEntityException({ message, ...meta });
const alreadyExists = (message: string) => new EntityAlreadyExistsException({ message, ...meta });
const limitExceeded = (message: string) => new LimitExceededException({ message, ...meta });
const deleteConflict = (message: string) => new DeleteConflictException({ message, ...meta });
const invalidInput = (message: string) => new InvalidInputException({ message, ...meta });
const malformed = (message: string) => new MalformedPolicyDocumentException({ message, ...meta });

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const str = (input: Record<string, unknown>, field: string): string => {
  const v = input[field];
  if (typeof v !== 'string' || v === '') throw invalidInput(`${field} is required`);
  return v;
};

/** IAM's policy documents arrive as JSON text; GAAD stores them as objects. */
function parseDocument(text: unknown): unknown {
  if (typeof text !== 'string') throw malformed('The policy document is missing');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('Syntax errors in policy');
  }
  if (doc === null || typeof doc !== 'object' || !('Statement' in doc))
    throw malformed('The policy document has no Statement');
  return doc;
}

const encode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

export interface IamSandboxOptions {
  readonly clock: Clock;
  /** Random bytes for ids and secrets (the soak passes a seeded source). */
  readonly random?: (size: number) => Buffer;
}

/**
 * IAM with IAM's semantics over one account document: every call the executors make (through
 * SdkIamAdmin and IamPolicyDocuments) and the console changes of `nhi-gov sandbox console`. Each
 * call reads the state, changes it and saves it (atomically, when file-backed) before it answers;
 * IAM's errors are the SDK's own exception classes.
 */
export class IamSandbox {
  private readonly random: (size: number) => Buffer;

  constructor(
    private readonly store: StateStore<SandboxAccount>,
    private readonly options: IamSandboxOptions,
  ) {
    this.random = options.random ?? randomBytes;
  }

  /** The account as it is now. @throws Error when the sandbox was never seeded. */
  account(): SandboxAccount {
    const state = this.store.load();
    if (!state) throw new Error('the IAM sandbox is empty: seed it first (nhi-gov sandbox seed)');
    return state;
  }

  /** An IAMClient whose every call is answered by this sandbox. */
  client(): IAMClient {
    return answerInProcess(new IAMClient(IN_PROCESS_CLIENT_CONFIG), (command, input) =>
      this.call(command, input),
    );
  }

  /** Whether this pair of credentials is an active key of the sandbox; the user's ARN if so. */
  whoHolds(accessKeyId: string, secretAccessKey: string): { arn: string; account: string } | undefined {
    const state = this.account();
    const digest = sha256(secretAccessKey);
    for (const [userName, keys] of Object.entries(state[SANDBOX_KEY].accessKeys)) {
      const key = keys.find((k) => k.AccessKeyId === accessKeyId);
      if (!key || key.Status !== 'Active' || key.SecretSha256 !== digest) continue;
      const user = state.UserDetailList.find((u) => u.UserName === userName);
      if (user) return { arn: user.Arn, account: state[SANDBOX_KEY].accountId };
    }
    return undefined;
  }

  /** Answers one IAM API call (`AttachRolePolicy`, input as the SDK takes it). */
  call(command: string, input: Record<string, unknown>): unknown {
    const handler = this.handlers[command];
    if (!handler) throw invalidInput(`the IAM sandbox does not implement ${command}`);
    const state = this.account();
    const result = handler.run(state, input);
    if (handler.writes) this.store.save(state);
    return result;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private id(prefix: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    return prefix + [...this.random(16)].map((b) => alphabet[b % 32]).join('');
  }

  private readonly handlers: Record<
    string,
    { writes: boolean; run: (s: SandboxAccount, i: Record<string, unknown>) => unknown }
  > = {
    GetRole: { writes: false, run: (s, i) => ({ Role: roleOutput(findRole(s, str(i, 'RoleName'))) }) },
    GetUser: { writes: false, run: (s, i) => ({ User: userOutput(findUser(s, str(i, 'UserName'))) }) },
    ListAttachedRolePolicies: {
      writes: false,
      run: (s, i) => ({ AttachedPolicies: findRole(s, str(i, 'RoleName')).AttachedManagedPolicies }),
    },
    ListAttachedUserPolicies: {
      writes: false,
      run: (s, i) => ({ AttachedPolicies: findUser(s, str(i, 'UserName')).AttachedManagedPolicies }),
    },
    ListRolePolicies: {
      writes: false,
      run: (s, i) => ({
        PolicyNames: findRole(s, str(i, 'RoleName')).RolePolicyList.map((p) => p.PolicyName),
      }),
    },
    ListUserPolicies: {
      writes: false,
      run: (s, i) => ({
        PolicyNames: findUser(s, str(i, 'UserName')).UserPolicyList.map((p) => p.PolicyName),
      }),
    },
    GetRolePolicy: {
      writes: false,
      run: (s, i) => inlineOutput(findRole(s, str(i, 'RoleName')).RolePolicyList, i, 'RoleName'),
    },
    GetUserPolicy: {
      writes: false,
      run: (s, i) => inlineOutput(findUser(s, str(i, 'UserName')).UserPolicyList, i, 'UserName'),
    },
    ListInstanceProfilesForRole: {
      writes: false,
      run: (s, i) => ({ InstanceProfiles: findRole(s, str(i, 'RoleName')).InstanceProfileList }),
    },
    ListGroupsForUser: {
      writes: false,
      run: (s, i) => ({
        Groups: findUser(s, str(i, 'UserName')).GroupList.map((GroupName) => ({ GroupName })),
      }),
    },
    ListAttachedGroupPolicies: {
      writes: false,
      run: (s, i) => ({ AttachedPolicies: findGroup(s, str(i, 'GroupName')).AttachedManagedPolicies ?? [] }),
    },
    ListGroupPolicies: {
      writes: false,
      run: (s, i) => ({
        PolicyNames: (findGroup(s, str(i, 'GroupName')).GroupPolicyList ?? []).map((p) => p.PolicyName),
      }),
    },
    GetGroupPolicy: {
      writes: false,
      run: (s, i) => inlineOutput(findGroup(s, str(i, 'GroupName')).GroupPolicyList ?? [], i, 'GroupName'),
    },
    GetLoginProfile: {
      writes: false,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        if (!s[SANDBOX_KEY].loginProfiles.includes(user.UserName))
          throw noSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
        return { LoginProfile: { UserName: user.UserName, CreateDate: new Date(user.CreateDate) } };
      },
    },
    ListAccessKeys: {
      writes: false,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        return {
          AccessKeyMetadata: (s[SANDBOX_KEY].accessKeys[user.UserName] ?? []).map((k) => ({
            UserName: user.UserName,
            AccessKeyId: k.AccessKeyId,
            Status: k.Status,
            CreateDate: new Date(k.CreateDate),
          })),
        };
      },
    },
    ListMFADevices: {
      writes: false,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        return {
          MFADevices: (s[SANDBOX_KEY].mfaDevices[user.UserName] ?? []).map((SerialNumber) => ({
            UserName: user.UserName,
            SerialNumber,
            EnableDate: new Date(user.CreateDate),
          })),
        };
      },
    },
    ListSigningCertificates: {
      writes: false,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        return {
          Certificates: (s[SANDBOX_KEY].signingCertificates[user.UserName] ?? []).map((CertificateId) => ({
            UserName: user.UserName,
            CertificateId,
            Status: 'Active',
            CertificateBody: '',
          })),
        };
      },
    },
    ListSSHPublicKeys: {
      writes: false,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        return {
          SSHPublicKeys: (s[SANDBOX_KEY].sshPublicKeys[user.UserName] ?? []).map((SSHPublicKeyId) => ({
            UserName: user.UserName,
            SSHPublicKeyId,
            Status: 'Active',
            UploadDate: new Date(user.CreateDate),
          })),
        };
      },
    },
    ListServiceSpecificCredentials: {
      writes: false,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        return {
          ServiceSpecificCredentials: (s[SANDBOX_KEY].serviceSpecificCredentials[user.UserName] ?? []).map(
            (ServiceSpecificCredentialId) => ({ UserName: user.UserName, ServiceSpecificCredentialId }),
          ),
        };
      },
    },
    GetPolicy: {
      writes: false,
      run: (s, i) => {
        const p = findPolicy(s, str(i, 'PolicyArn'));
        return { Policy: { PolicyName: p.PolicyName, Arn: p.Arn, DefaultVersionId: p.DefaultVersionId } };
      },
    },
    GetPolicyVersion: {
      writes: false,
      run: (s, i) => {
        const p = findPolicy(s, str(i, 'PolicyArn'));
        const versionId = str(i, 'VersionId');
        const v = (p.PolicyVersionList ?? []).find((x) => x.VersionId === versionId);
        if (!v)
          throw noSuchEntity(`Policy ${p.Arn} version ${versionId} does not exist or is not attachable.`);
        return {
          PolicyVersion: {
            VersionId: versionId,
            IsDefaultVersion: versionId === p.DefaultVersionId,
            Document: encode(v.Document),
          },
        };
      },
    },

    CreateRole: {
      writes: true,
      run: (s, i) => {
        const name = str(i, 'RoleName');
        if (s.RoleDetailList.some((r) => sameName(r.RoleName, name)))
          throw alreadyExists(`Role with name ${name} already exists.`);
        const path = checkedPath(i.Path);
        const tags = checkedTags(i.Tags);
        const boundary = this.boundary(s, i.PermissionsBoundary);
        const trust = parseDocument(i.AssumeRolePolicyDocument);
        const role: SandboxRole = {
          Path: path,
          RoleName: name,
          RoleId: this.id('AROA'),
          Arn: `arn:aws:iam::${s[SANDBOX_KEY].accountId}:role${path}${name}`,
          CreateDate: this.now(),
          AssumeRolePolicyDocument: trust,
          ...(typeof i.Description === 'string' ? { Description: i.Description } : {}),
          InstanceProfileList: [],
          RolePolicyList: [],
          AttachedManagedPolicies: [],
          Tags: tags,
          ...(boundary ? { PermissionsBoundary: boundary } : {}),
          RoleLastUsed: {},
        };
        s.RoleDetailList.push(role);
        return { Role: roleOutput(role) };
      },
    },
    CreateUser: {
      writes: true,
      run: (s, i) => {
        const name = str(i, 'UserName');
        if (s.UserDetailList.some((u) => sameName(u.UserName, name)))
          throw alreadyExists(`User with name ${name} already exists.`);
        const path = checkedPath(i.Path);
        const tags = checkedTags(i.Tags);
        const boundary = this.boundary(s, i.PermissionsBoundary);
        const user: SandboxUser = {
          Path: path,
          UserName: name,
          UserId: this.id('AIDA'),
          Arn: `arn:aws:iam::${s[SANDBOX_KEY].accountId}:user${path}${name}`,
          CreateDate: this.now(),
          GroupList: [],
          UserPolicyList: [],
          AttachedManagedPolicies: [],
          Tags: tags,
          ...(boundary ? { PermissionsBoundary: boundary } : {}),
        };
        s.UserDetailList.push(user);
        return { User: userOutput(user) };
      },
    },
    AttachRolePolicy: {
      writes: true,
      run: (s, i) => attach(s, findRole(s, str(i, 'RoleName')), str(i, 'PolicyArn')),
    },
    AttachUserPolicy: {
      writes: true,
      run: (s, i) => attach(s, findUser(s, str(i, 'UserName')), str(i, 'PolicyArn')),
    },
    DetachRolePolicy: {
      writes: true,
      run: (s, i) => detach(s, findRole(s, str(i, 'RoleName')), str(i, 'PolicyArn')),
    },
    DetachUserPolicy: {
      writes: true,
      run: (s, i) => detach(s, findUser(s, str(i, 'UserName')), str(i, 'PolicyArn')),
    },
    PutRolePolicy: {
      writes: true,
      run: (s, i) => putInline(findRole(s, str(i, 'RoleName')).RolePolicyList, i, INLINE_BYTES.role),
    },
    PutUserPolicy: {
      writes: true,
      run: (s, i) => putInline(findUser(s, str(i, 'UserName')).UserPolicyList, i, INLINE_BYTES.user),
    },
    DeleteRolePolicy: {
      writes: true,
      run: (s, i) => deleteInline(findRole(s, str(i, 'RoleName')).RolePolicyList, str(i, 'PolicyName')),
    },
    DeleteUserPolicy: {
      writes: true,
      run: (s, i) => deleteInline(findUser(s, str(i, 'UserName')).UserPolicyList, str(i, 'PolicyName')),
    },
    CreateAccessKey: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        const keys = s[SANDBOX_KEY].accessKeys[user.UserName] ?? [];
        s[SANDBOX_KEY].accessKeys[user.UserName] = keys;
        if (keys.length >= ACCESS_KEYS_PER_USER)
          throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
        const secret = this.random(30).toString('base64').slice(0, 40);
        const key: SandboxAccessKey = {
          AccessKeyId: this.id('AKIA'),
          Status: 'Active',
          CreateDate: this.now(),
          SecretSha256: sha256(secret),
        };
        keys.push(key);
        return {
          AccessKey: {
            UserName: user.UserName,
            AccessKeyId: key.AccessKeyId,
            Status: 'Active',
            SecretAccessKey: secret,
            CreateDate: new Date(key.CreateDate),
          },
        };
      },
    },
    UpdateAccessKey: {
      writes: true,
      run: (s, i) => {
        const key = findKey(s, findUser(s, str(i, 'UserName')).UserName, str(i, 'AccessKeyId'));
        const status = str(i, 'Status');
        if (status !== 'Active' && status !== 'Inactive') throw invalidInput(`invalid Status ${status}`);
        key.Status = status;
        return {};
      },
    },
    DeleteAccessKey: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName')).UserName;
        const key = findKey(s, user, str(i, 'AccessKeyId'));
        const keys = s[SANDBOX_KEY].accessKeys[user] ?? [];
        s[SANDBOX_KEY].accessKeys[user] = keys.filter((k) => k !== key);
        return {};
      },
    },
    DeleteLoginProfile: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName')).UserName;
        const x = s[SANDBOX_KEY];
        if (!x.loginProfiles.includes(user))
          throw noSuchEntity(`Login Profile for User ${user} cannot be found.`);
        x.loginProfiles = x.loginProfiles.filter((u) => u !== user);
        return {};
      },
    },
    RemoveUserFromGroup: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        const group = str(i, 'GroupName');
        if (!user.GroupList.some((g) => sameName(g, group)))
          throw noSuchEntity(`User ${user.UserName} is not in group ${group}.`);
        user.GroupList = user.GroupList.filter((g) => !sameName(g, group));
        return {};
      },
    },
    RemoveRoleFromInstanceProfile: {
      writes: true,
      run: (s, i) => {
        const role = findRole(s, str(i, 'RoleName'));
        const profile = str(i, 'InstanceProfileName');
        if (!role.InstanceProfileList.some((p) => sameName(p.InstanceProfileName, profile)))
          throw noSuchEntity(`Instance profile ${profile} does not contain role ${role.RoleName}.`);
        role.InstanceProfileList = role.InstanceProfileList.filter(
          (p) => !sameName(p.InstanceProfileName, profile),
        );
        return {};
      },
    },
    DeactivateMFADevice: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName')).UserName;
        const serial = str(i, 'SerialNumber');
        removeFrom(
          s[SANDBOX_KEY].mfaDevices,
          user,
          serial,
          `MFA device ${serial} is not assigned to ${user}.`,
        );
        if (serial.includes(':mfa/')) s[SANDBOX_KEY].unassignedMfaDevices.push(serial);
        return {};
      },
    },
    DeleteVirtualMFADevice: {
      writes: true,
      run: (s, i) => {
        const serial = str(i, 'SerialNumber');
        const x = s[SANDBOX_KEY];
        if (Object.values(x.mfaDevices).some((list) => list.includes(serial)))
          throw deleteConflict(`MFA device ${serial} is still assigned to a user.`);
        if (!x.unassignedMfaDevices.includes(serial))
          throw noSuchEntity(`MFA device ${serial} does not exist.`);
        x.unassignedMfaDevices = x.unassignedMfaDevices.filter((d) => d !== serial);
        return {};
      },
    },
    DeleteSigningCertificate: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName')).UserName;
        const id = str(i, 'CertificateId');
        removeFrom(s[SANDBOX_KEY].signingCertificates, user, id, `Signing certificate ${id} not found.`);
        return {};
      },
    },
    DeleteSSHPublicKey: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName')).UserName;
        const id = str(i, 'SSHPublicKeyId');
        removeFrom(s[SANDBOX_KEY].sshPublicKeys, user, id, `SSH public key ${id} not found.`);
        return {};
      },
    },
    DeleteServiceSpecificCredential: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName')).UserName;
        const id = str(i, 'ServiceSpecificCredentialId');
        removeFrom(s[SANDBOX_KEY].serviceSpecificCredentials, user, id, `Credential ${id} not found.`);
        return {};
      },
    },
    DeleteRole: {
      writes: true,
      run: (s, i) => {
        const role = findRole(s, str(i, 'RoleName'));
        if (role.AttachedManagedPolicies.length > 0 || role.RolePolicyList.length > 0)
          throw deleteConflict('Cannot delete entity, must detach all policies first.');
        if (role.InstanceProfileList.length > 0)
          throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
        s.RoleDetailList = s.RoleDetailList.filter((r) => r !== role);
        return {};
      },
    },
    DeleteUser: {
      writes: true,
      run: (s, i) => {
        const user = findUser(s, str(i, 'UserName'));
        const x = s[SANDBOX_KEY];
        const name = user.UserName;
        const left = [
          user.AttachedManagedPolicies.length > 0 || user.UserPolicyList.length > 0 ? 'policies' : '',
          (x.accessKeys[name] ?? []).length > 0 ? 'access keys' : '',
          user.GroupList.length > 0 ? 'groups' : '',
          x.loginProfiles.includes(name) ? 'login profile' : '',
          (x.mfaDevices[name] ?? []).length > 0 ? 'MFA devices' : '',
          (x.signingCertificates[name] ?? []).length > 0 ? 'signing certificates' : '',
          (x.sshPublicKeys[name] ?? []).length > 0 ? 'SSH public keys' : '',
          (x.serviceSpecificCredentials[name] ?? []).length > 0 ? 'service-specific credentials' : '',
        ].filter(Boolean);
        if (left.length > 0)
          throw deleteConflict(`Cannot delete entity, must remove ${left.join(', ')} first.`);
        s.UserDetailList = s.UserDetailList.filter((u) => u !== user);
        for (const map of [
          x.accessKeys,
          x.mfaDevices,
          x.signingCertificates,
          x.sshPublicKeys,
          x.serviceSpecificCredentials,
        ])
          delete map[name];
        delete x.reportCells[name];
        return {};
      },
    },
  };

  /** A permissions boundary must be an existing managed policy (or an AWS-managed one). */
  private boundary(s: SandboxAccount, arn: unknown) {
    if (arn === undefined) return undefined;
    if (typeof arn !== 'string') throw invalidInput('PermissionsBoundary must be a policy ARN');
    if (!isAwsManaged(arn)) findPolicy(s, arn);
    return { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn };
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const isAwsManaged = (arn: string) => /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);

function findRole(s: SandboxAccount, name: string): SandboxRole {
  const role = s.RoleDetailList.find((r) => sameName(r.RoleName, name));
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function findUser(s: SandboxAccount, name: string): SandboxUser {
  const user = s.UserDetailList.find((u) => sameName(u.UserName, name));
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

function findGroup(s: SandboxAccount, name: string): SandboxGroup {
  const group = s.GroupDetailList.find((g) => sameName(g.GroupName, name));
  if (!group) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return group;
}

function findPolicy(s: SandboxAccount, arn: string): SandboxPolicy {
  const policy = s.Policies.find((p) => p.Arn === arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

function findKey(s: SandboxAccount, user: string, id: string): SandboxAccessKey {
  const key = (s[SANDBOX_KEY].accessKeys[user] ?? []).find((k) => k.AccessKeyId === id);
  if (!key) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  return key;
}

function removeFrom(map: Record<string, string[]>, user: string, id: string, message: string): void {
  const list = map[user] ?? [];
  if (!list.includes(id)) throw noSuchEntity(message);
  map[user] = list.filter((x) => x !== id);
}

function checkedPath(path: unknown): string {
  const p = path ?? '/';
  if (typeof p !== 'string' || p.length > IAM_LIMITS.pathLength || !PATH.test(p))
    throw invalidInput(`invalid Path ${String(p)}`);
  return p;
}

function checkedTags(tags: unknown): Tag[] {
  const list = (tags ?? []) as Tag[];
  if (list.length > IAM_LIMITS.tags)
    throw limitExceeded(`Cannot exceed quota for TagsPerRole: ${IAM_LIMITS.tags}`);
  for (const t of list)
    if (
      !t.Key ||
      t.Key.length > IAM_LIMITS.tagKeyLength ||
      (t.Value ?? '').length > IAM_LIMITS.tagValueLength
    )
      throw invalidInput(`invalid tag ${t.Key}`);
  return list.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

function attach(s: SandboxAccount, identity: SandboxRole | SandboxUser, arn: string) {
  const policy = isAwsManaged(arn) ? undefined : findPolicy(s, arn);
  if (identity.AttachedManagedPolicies.some((p) => p.PolicyArn === arn)) return {};
  if (identity.AttachedManagedPolicies.length >= MANAGED_POLICIES_PER_IDENTITY)
    throw limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${MANAGED_POLICIES_PER_IDENTITY}`);
  identity.AttachedManagedPolicies.push({
    PolicyName: policy?.PolicyName ?? arn.split('/').at(-1) ?? arn,
    PolicyArn: arn,
  });
  if (policy) policy.AttachmentCount = (policy.AttachmentCount ?? 0) + 1;
  return {};
}

function detach(s: SandboxAccount, identity: SandboxRole | SandboxUser, arn: string) {
  if (!identity.AttachedManagedPolicies.some((p) => p.PolicyArn === arn))
    throw noSuchEntity(`Policy ${arn} was not found.`);
  identity.AttachedManagedPolicies = identity.AttachedManagedPolicies.filter((p) => p.PolicyArn !== arn);
  const policy = s.Policies.find((p) => p.Arn === arn);
  if (policy?.AttachmentCount) policy.AttachmentCount -= 1;
  return {};
}

function putInline(list: Inline[], i: Record<string, unknown>, limit: number) {
  const name = str(i, 'PolicyName');
  const doc = parseDocument(i.PolicyDocument);
  const others = list.filter((p) => p.PolicyName !== name);
  const size = [...others.map((p) => p.PolicyDocument), doc].reduce<number>(
    (n, d) => n + JSON.stringify(d).replace(/\s/g, '').length,
    0,
  );
  if (size > limit) throw limitExceeded(`Maximum policy size of ${limit} bytes exceeded.`);
  const existing = list.find((p) => p.PolicyName === name);
  if (existing) existing.PolicyDocument = doc;
  else list.push({ PolicyName: name, PolicyDocument: doc });
  return {};
}

function deleteInline(list: Inline[], name: string) {
  const index = list.findIndex((p) => p.PolicyName === name);
  if (index < 0) throw noSuchEntity(`The policy with name ${name} cannot be found.`);
  list.splice(index, 1);
  return {};
}

function inlineOutput(list: Inline[], i: Record<string, unknown>, owner: string) {
  const name = str(i, 'PolicyName');
  const p = list.find((x) => x.PolicyName === name);
  if (!p) throw noSuchEntity(`The policy with name ${name} cannot be found.`);
  return { [owner]: i[owner], PolicyName: name, PolicyDocument: encode(p.PolicyDocument) };
}

function roleOutput(r: SandboxRole) {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: new Date(r.CreateDate),
    ...(r.AssumeRolePolicyDocument ? { AssumeRolePolicyDocument: encode(r.AssumeRolePolicyDocument) } : {}),
    ...(r.PermissionsBoundary ? { PermissionsBoundary: r.PermissionsBoundary } : {}),
    Tags: r.Tags,
  };
}

function userOutput(u: SandboxUser) {
  return {
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: new Date(u.CreateDate),
    ...(u.PermissionsBoundary ? { PermissionsBoundary: u.PermissionsBoundary } : {}),
    Tags: u.Tags,
  };
}
