import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import type { PolicySource } from '../../domain/escalation/statements.js';
import type { IdentityRef } from '../../domain/identity.js';
import type {
  IdentityPermissions,
  ManagedPolicyVersion,
  PolicyDocumentReader,
} from '../../ports/policy-documents.js';
import { awsCode, toExternalCallError } from './aws-error.js';

/** IAM returns policy documents URL-encoded. */
function decode(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(decodeURIComponent(text));
  } catch {
    return JSON.parse(text);
  }
}

async function orUndefined<T>(api: string, target: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (awsCode(error) === 'NoSuchEntity') return undefined;
    throw toExternalCallError(api, target, error);
  }
}

async function all<T>(pages: AsyncIterable<object>, key: string): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages)
    out.push(...(((page as Record<string, unknown>)[key] as T[] | undefined) ?? []));
  return out;
}

/** Policy documents read from IAM, read-only: a managed policy's default version, an identity's policies. */
export class IamPolicyDocuments implements PolicyDocumentReader {
  constructor(private readonly iam: IAMClient) {}

  async managedPolicy(arn: string): Promise<ManagedPolicyVersion | undefined> {
    const policy = await orUndefined('iam:GetPolicy', arn, () =>
      this.iam.send(new GetPolicyCommand({ PolicyArn: arn })),
    );
    const versionId = policy?.Policy?.DefaultVersionId;
    if (!versionId) return undefined;
    const version = await orUndefined('iam:GetPolicyVersion', arn, () =>
      this.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })),
    );
    const document = decode(version?.PolicyVersion?.Document);
    return document === undefined ? undefined : { arn, versionId, document };
  }

  async identityPermissions(ref: IdentityRef): Promise<IdentityPermissions | undefined> {
    const client = { client: this.iam };
    const name = ref.name;
    const policies: PolicySource[] = [];
    const unread: string[] = [];
    const addManaged = async (arns: readonly (string | undefined)[], prefix: string) => {
      for (const arn of arns) {
        if (!arn) continue;
        const p = await this.managedPolicy(arn);
        if (p) policies.push({ source: `${prefix}managed-policy:${arn}`, document: p.document });
        else unread.push(`${prefix}managed-policy:${arn}`);
      }
    };
    if (ref.type === 'role') {
      const role = await orUndefined('iam:GetRole', name, () =>
        this.iam.send(new GetRoleCommand({ RoleName: name })),
      );
      if (!role?.Role?.Arn) return undefined;
      const attached = await all<{ PolicyArn?: string }>(
        paginateListAttachedRolePolicies(client, { RoleName: name }),
        'AttachedPolicies',
      );
      await addManaged(
        attached.map((a) => a.PolicyArn),
        '',
      );
      for (const policyName of await all<string>(
        paginateListRolePolicies(client, { RoleName: name }),
        'PolicyNames',
      )) {
        const p = await this.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
        policies.push({ source: `inline-policy:${policyName}`, document: decode(p.PolicyDocument) });
      }
      const boundaryArn = role.Role.PermissionsBoundary?.PermissionsBoundaryArn;
      return {
        arn: role.Role.Arn,
        policies,
        ...(boundaryArn ? { boundaryArn } : {}),
        ...(unread.length > 0 ? { unread } : {}),
      };
    }
    const user = await orUndefined('iam:GetUser', name, () =>
      this.iam.send(new GetUserCommand({ UserName: name })),
    );
    if (!user?.User?.Arn) return undefined;
    const attached = await all<{ PolicyArn?: string }>(
      paginateListAttachedUserPolicies(client, { UserName: name }),
      'AttachedPolicies',
    );
    await addManaged(
      attached.map((a) => a.PolicyArn),
      '',
    );
    for (const policyName of await all<string>(
      paginateListUserPolicies(client, { UserName: name }),
      'PolicyNames',
    )) {
      const p = await this.iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }));
      policies.push({ source: `inline-policy:${policyName}`, document: decode(p.PolicyDocument) });
    }
    const groups = await all<{ GroupName?: string }>(
      paginateListGroupsForUser(client, { UserName: name }),
      'Groups',
    );
    for (const g of groups) {
      const group = g.GroupName;
      if (!group) continue;
      const groupAttached = await all<{ PolicyArn?: string }>(
        paginateListAttachedGroupPolicies(client, { GroupName: group }),
        'AttachedPolicies',
      );
      await addManaged(
        groupAttached.map((a) => a.PolicyArn),
        `group:${group}/`,
      );
      for (const policyName of await all<string>(
        paginateListGroupPolicies(client, { GroupName: group }),
        'PolicyNames',
      )) {
        const p = await this.iam.send(
          new GetGroupPolicyCommand({ GroupName: group, PolicyName: policyName }),
        );
        policies.push({
          source: `group:${group}/inline-policy:${policyName}`,
          document: decode(p.PolicyDocument),
        });
      }
    }
    const boundaryArn = user.User.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      arn: user.User.Arn,
      policies,
      ...(boundaryArn ? { boundaryArn } : {}),
      ...(unread.length > 0 ? { unread } : {}),
    };
  }
}
