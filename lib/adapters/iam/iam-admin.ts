import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
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
  GetLoginProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListServiceSpecificCredentialsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  paginateListAccessKeys,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListInstanceProfilesForRole,
  paginateListMFADevices,
  paginateListRolePolicies,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  type Tag,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { type IdentityRef, identityKey } from '../../domain/identity.js';
import type { IdentityState } from '../../domain/provisioning/identity-state.js';
import type { PolicyDocument } from '../../domain/request.js';
import type {
  AccessKeyInfo,
  AccessKeyMaterial,
  CallOutcome,
  CreateIdentityInput,
  GetIdentityOptions,
  IamAdmin,
} from '../../ports/iam-admin.js';
import { awsCode, call, toExternalCallError } from './aws-error.js';

const GONE = ['NoSuchEntity'];
const outcome = (r: unknown): CallOutcome => (r === 'already-done' ? 'already-done' : 'ok');
const toTags = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const fromTags = (tags: readonly Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** IAM returns policy documents URL-encoded. */
function decodeDocument(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(decodeURIComponent(text));
  } catch {
    return undefined;
  }
}

async function collect<P, T>(
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/**
 * IamAdmin on the AWS SDK: the provision and rotation functions' writes to IAM. Lists go through the
 * SDK paginators; SDK exceptions become ExternalCallError (retryable for throttling and faults).
 */
export class SdkIamAdmin implements IamAdmin {
  constructor(private readonly client: IAMClient) {}

  async getIdentity(ref: IdentityRef, options: GetIdentityOptions = {}): Promise<IdentityState | undefined> {
    const target = identityKey(ref);
    try {
      if (ref.type === 'role') return await this.readRole(ref.name);
      const user = await this.readUser(ref.name);
      if (!user || !options.userCredentials) return user;
      return { ...user, ...(await this.readUserCredentials(ref.name)) };
    } catch (error) {
      if (awsCode(error) === 'NoSuchEntity') return undefined;
      throw toExternalCallError(`iam:Get${ref.type === 'role' ? 'Role' : 'User'}`, target, error);
    }
  }

  private async readRole(name: string): Promise<IdentityState | undefined> {
    const { Role } = await this.client.send(new GetRoleCommand({ RoleName: name }));
    if (!Role) return undefined;
    const cfg = { client: this.client };
    const [attached, inlineNames, profiles] = await Promise.all([
      collect(paginateListAttachedRolePolicies(cfg, { RoleName: name }), (p) => p.AttachedPolicies),
      collect(paginateListRolePolicies(cfg, { RoleName: name }), (p) => p.PolicyNames),
      collect(paginateListInstanceProfilesForRole(cfg, { RoleName: name }), (p) => p.InstanceProfiles),
    ]);
    const inlinePolicies = await Promise.all(
      inlineNames.map(async (policyName) => {
        const r = await this.client.send(
          new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }),
        );
        return { name: policyName, document: decodeDocument(r.PolicyDocument) };
      }),
    );
    return {
      type: 'role',
      name,
      ...(Role.Arn ? { arn: Role.Arn } : {}),
      path: Role.Path ?? '/',
      ...(Role.PermissionsBoundary?.PermissionsBoundaryArn
        ? { permissionsBoundaryArn: Role.PermissionsBoundary.PermissionsBoundaryArn }
        : {}),
      tags: fromTags(Role.Tags),
      attachedPolicyArns: attached.map((p) => p.PolicyArn ?? '').filter(Boolean),
      inlinePolicies,
      accessKeys: [],
      groups: [],
      instanceProfiles: profiles.map((p) => p.InstanceProfileName ?? '').filter(Boolean),
    };
  }

  private async readUser(name: string): Promise<IdentityState | undefined> {
    const { User } = await this.client.send(new GetUserCommand({ UserName: name }));
    if (!User) return undefined;
    const cfg = { client: this.client };
    const [attached, inlineNames, keys, groups, hasLoginProfile] = await Promise.all([
      collect(paginateListAttachedUserPolicies(cfg, { UserName: name }), (p) => p.AttachedPolicies),
      collect(paginateListUserPolicies(cfg, { UserName: name }), (p) => p.PolicyNames),
      this.listAccessKeys(name),
      collect(paginateListGroupsForUser(cfg, { UserName: name }), (p) => p.Groups),
      this.client.send(new GetLoginProfileCommand({ UserName: name })).then(
        () => true,
        (error) => {
          if (awsCode(error) === 'NoSuchEntity') return false;
          throw error;
        },
      ),
    ]);
    const inlinePolicies = await Promise.all(
      inlineNames.map(async (policyName) => {
        const r = await this.client.send(
          new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }),
        );
        return { name: policyName, document: decodeDocument(r.PolicyDocument) };
      }),
    );
    return {
      type: 'user',
      name,
      ...(User.Arn ? { arn: User.Arn } : {}),
      path: User.Path ?? '/',
      ...(User.PermissionsBoundary?.PermissionsBoundaryArn
        ? { permissionsBoundaryArn: User.PermissionsBoundary.PermissionsBoundaryArn }
        : {}),
      tags: fromTags(User.Tags),
      attachedPolicyArns: attached.map((p) => p.PolicyArn ?? '').filter(Boolean),
      inlinePolicies,
      accessKeys: keys.map((k) => ({
        accessKeyId: k.accessKeyId,
        active: k.status === 'Active',
        createdAt: k.createdAt,
      })),
      groups: groups.map((g) => g.GroupName ?? '').filter(Boolean),
      hasLoginProfile,
      instanceProfiles: [],
    };
  }

  /** The credentials besides access keys and password that keep DeleteUser from succeeding. */
  private async readUserCredentials(
    name: string,
  ): Promise<
    Required<
      Pick<
        IdentityState,
        'mfaDevices' | 'signingCertificates' | 'sshPublicKeys' | 'serviceSpecificCredentials'
      >
    >
  > {
    const cfg = { client: this.client };
    const [mfa, certificates, sshKeys, serviceCredentials] = await Promise.all([
      collect(paginateListMFADevices(cfg, { UserName: name }), (p) => p.MFADevices),
      collect(paginateListSigningCertificates(cfg, { UserName: name }), (p) => p.Certificates),
      collect(paginateListSSHPublicKeys(cfg, { UserName: name }), (p) => p.SSHPublicKeys),
      this.listServiceSpecificCredentials(name),
    ]);
    return {
      mfaDevices: mfa.flatMap((d) => (d.SerialNumber ? [{ serialNumber: d.SerialNumber }] : [])),
      signingCertificates: certificates.map((c) => c.CertificateId ?? '').filter(Boolean),
      sshPublicKeys: sshKeys.map((k) => k.SSHPublicKeyId ?? '').filter(Boolean),
      serviceSpecificCredentials: serviceCredentials,
    };
  }

  /** The SDK has no paginator for ListServiceSpecificCredentials; it pages with Marker like the others. */
  private async listServiceSpecificCredentials(name: string): Promise<string[]> {
    const ids: string[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(
        new ListServiceSpecificCredentialsCommand({ UserName: name, ...(marker ? { Marker: marker } : {}) }),
      );
      for (const c of page.ServiceSpecificCredentials ?? [])
        if (c.ServiceSpecificCredentialId) ids.push(c.ServiceSpecificCredentialId);
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return ids;
  }

  async createIdentity(input: CreateIdentityInput): Promise<CallOutcome> {
    const { identity: ref } = input;
    if (ref.type === 'role') {
      return outcome(
        await call('iam:CreateRole', identityKey(ref), () =>
          this.client.send(
            new CreateRoleCommand({
              RoleName: ref.name,
              Path: input.path,
              PermissionsBoundary: input.permissionsBoundaryArn,
              AssumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
              ...(input.description ? { Description: input.description } : {}),
              Tags: toTags(input.tags),
            }),
          ),
        ),
      );
    }
    return outcome(
      await call('iam:CreateUser', identityKey(ref), () =>
        this.client.send(
          new CreateUserCommand({
            UserName: ref.name,
            Path: input.path,
            PermissionsBoundary: input.permissionsBoundaryArn,
            Tags: toTags(input.tags),
          }),
        ),
      ),
    );
  }

  async attachPolicy(ref: IdentityRef, policyArn: string): Promise<CallOutcome> {
    const send =
      ref.type === 'role'
        ? () => this.client.send(new AttachRolePolicyCommand({ RoleName: ref.name, PolicyArn: policyArn }))
        : () => this.client.send(new AttachUserPolicyCommand({ UserName: ref.name, PolicyArn: policyArn }));
    return outcome(
      await call(`iam:Attach${ref.type === 'role' ? 'Role' : 'User'}Policy`, identityKey(ref), send),
    );
  }

  async detachPolicy(ref: IdentityRef, policyArn: string): Promise<CallOutcome> {
    const send =
      ref.type === 'role'
        ? () => this.client.send(new DetachRolePolicyCommand({ RoleName: ref.name, PolicyArn: policyArn }))
        : () => this.client.send(new DetachUserPolicyCommand({ UserName: ref.name, PolicyArn: policyArn }));
    return outcome(
      await call(`iam:Detach${ref.type === 'role' ? 'Role' : 'User'}Policy`, identityKey(ref), send, {
        goneIsDone: GONE,
      }),
    );
  }

  async putInlinePolicy(
    ref: IdentityRef,
    policyName: string,
    document: PolicyDocument,
  ): Promise<CallOutcome> {
    const PolicyDocument = JSON.stringify(document);
    const send =
      ref.type === 'role'
        ? () =>
            this.client.send(
              new PutRolePolicyCommand({ RoleName: ref.name, PolicyName: policyName, PolicyDocument }),
            )
        : () =>
            this.client.send(
              new PutUserPolicyCommand({ UserName: ref.name, PolicyName: policyName, PolicyDocument }),
            );
    return outcome(
      await call(`iam:Put${ref.type === 'role' ? 'Role' : 'User'}Policy`, identityKey(ref), send),
    );
  }

  async deleteInlinePolicy(ref: IdentityRef, policyName: string): Promise<CallOutcome> {
    const send =
      ref.type === 'role'
        ? () => this.client.send(new DeleteRolePolicyCommand({ RoleName: ref.name, PolicyName: policyName }))
        : () => this.client.send(new DeleteUserPolicyCommand({ UserName: ref.name, PolicyName: policyName }));
    return outcome(
      await call(`iam:Delete${ref.type === 'role' ? 'Role' : 'User'}Policy`, identityKey(ref), send, {
        goneIsDone: GONE,
      }),
    );
  }

  async listAccessKeys(userName: string): Promise<AccessKeyInfo[]> {
    try {
      const keys = await collect(
        paginateListAccessKeys({ client: this.client }, { UserName: userName }),
        (p) => p.AccessKeyMetadata,
      );
      return keys.map((k) => ({
        accessKeyId: k.AccessKeyId ?? '',
        status: k.Status === 'Active' ? 'Active' : 'Inactive',
        createdAt: (k.CreateDate ?? new Date(0)).toISOString(),
      }));
    } catch (error) {
      throw toExternalCallError('iam:ListAccessKeys', `user/${userName}`, error);
    }
  }

  async createAccessKey(userName: string): Promise<AccessKeyMaterial> {
    const result = await call('iam:CreateAccessKey', `user/${userName}`, () =>
      this.client.send(new CreateAccessKeyCommand({ UserName: userName })),
    );
    const key = result === 'already-done' ? undefined : result.AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey) {
      throw toExternalCallError('iam:CreateAccessKey', `user/${userName}`, new Error('IAM returned no key'));
    }
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  async setAccessKeyStatus(
    userName: string,
    accessKeyId: string,
    status: 'Active' | 'Inactive',
  ): Promise<CallOutcome> {
    return outcome(
      await call('iam:UpdateAccessKey', `user/${userName}`, () =>
        this.client.send(
          new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }),
        ),
      ),
    );
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeleteAccessKey',
        `user/${userName}`,
        () => this.client.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
        { goneIsDone: GONE },
      ),
    );
  }

  async deleteLoginProfile(userName: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeleteLoginProfile',
        `user/${userName}`,
        () => this.client.send(new DeleteLoginProfileCommand({ UserName: userName })),
        { goneIsDone: GONE },
      ),
    );
  }

  async removeUserFromGroup(userName: string, groupName: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:RemoveUserFromGroup',
        `user/${userName}`,
        () => this.client.send(new RemoveUserFromGroupCommand({ UserName: userName, GroupName: groupName })),
        { goneIsDone: GONE },
      ),
    );
  }

  async removeRoleFromInstanceProfile(roleName: string, instanceProfileName: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:RemoveRoleFromInstanceProfile',
        `role/${roleName}`,
        () =>
          this.client.send(
            new RemoveRoleFromInstanceProfileCommand({
              RoleName: roleName,
              InstanceProfileName: instanceProfileName,
            }),
          ),
        { goneIsDone: GONE },
      ),
    );
  }

  async deactivateMfaDevice(userName: string, serialNumber: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeactivateMFADevice',
        `user/${userName}`,
        () =>
          this.client.send(
            new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: serialNumber }),
          ),
        { goneIsDone: GONE },
      ),
    );
  }

  async deleteVirtualMfaDevice(serialNumber: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeleteVirtualMFADevice',
        serialNumber,
        () => this.client.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serialNumber })),
        { goneIsDone: GONE },
      ),
    );
  }

  async deleteSigningCertificate(userName: string, certificateId: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeleteSigningCertificate',
        `user/${userName}`,
        () =>
          this.client.send(
            new DeleteSigningCertificateCommand({ UserName: userName, CertificateId: certificateId }),
          ),
        { goneIsDone: GONE },
      ),
    );
  }

  async deleteSshPublicKey(userName: string, sshPublicKeyId: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeleteSSHPublicKey',
        `user/${userName}`,
        () =>
          this.client.send(
            new DeleteSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyId: sshPublicKeyId }),
          ),
        { goneIsDone: GONE },
      ),
    );
  }

  async deleteServiceSpecificCredential(userName: string, credentialId: string): Promise<CallOutcome> {
    return outcome(
      await call(
        'iam:DeleteServiceSpecificCredential',
        `user/${userName}`,
        () =>
          this.client.send(
            new DeleteServiceSpecificCredentialCommand({
              UserName: userName,
              ServiceSpecificCredentialId: credentialId,
            }),
          ),
        { goneIsDone: GONE },
      ),
    );
  }

  async deleteIdentity(ref: IdentityRef): Promise<CallOutcome> {
    const send =
      ref.type === 'role'
        ? () => this.client.send(new DeleteRoleCommand({ RoleName: ref.name }))
        : () => this.client.send(new DeleteUserCommand({ UserName: ref.name }));
    return outcome(
      await call(`iam:Delete${ref.type === 'role' ? 'Role' : 'User'}`, identityKey(ref), send, {
        goneIsDone: GONE,
      }),
    );
  }
}
