import {
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandInput,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { toCredentialReportCsv, toGaadJson } from '../../../lib/adapters/snapshot/write-snapshot.js';
import type { IamInventory, InventoryRole, InventoryUser } from '../../../lib/domain/inventory.js';

/** Test builders for the inventory model, and day arithmetic for boundary tests. */

export const ACCOUNT = '111122223333';
export const AS_OF = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

/** `n` days before `from` (default AS_OF), as an ISO timestamp; fractions allowed. */
export function daysAgo(n: number, from: Date = AS_OF): string {
  return new Date(from.getTime() - n * DAY).toISOString();
}

export function aRole(name: string, overrides: Partial<InventoryRole> = {}): InventoryRole {
  const path = overrides.path ?? '/nhi/';
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
    path,
    createdAt: daysAgo(10),
    tags: { 'nhi-gov:owner': 'team-data' },
    attachedManagedPolicies: [],
    inlinePolicies: [],
    lastUsedAt: daysAgo(1),
    instanceProfiles: [],
    ...overrides,
  };
}

export function aUser(name: string, overrides: Partial<InventoryUser> = {}): InventoryUser {
  const path = overrides.path ?? '/nhi/';
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`,
    path,
    createdAt: daysAgo(10),
    tags: { 'nhi-gov:owner': 'team-ci' },
    attachedManagedPolicies: [],
    inlinePolicies: [],
    groups: [],
    passwordEnabled: false,
    accessKeys: [{ slot: 1, active: true, lastRotatedAt: daysAgo(10), lastUsedAt: daysAgo(1) }],
    credentialReportSeen: true,
    ...overrides,
  };
}

export function anInventory(parts: { roles?: InventoryRole[]; users?: InventoryUser[] } = {}): IamInventory {
  return {
    source: 'snapshot',
    collectedAt: AS_OF.toISOString(),
    accountId: ACCOUNT,
    roles: parts.roles ?? [],
    users: parts.users ?? [],
    origin: ['test'],
  };
}

/**
 * A stateful fake of the read side of IAM for aws-sdk-client-mock: GetAccountAuthorizationDetails
 * pages through the account's identities (MaxItems defaults to 100 as in IAM, Marker is an offset),
 * with SDK-shaped values (Dates, URL-encoded documents); the credential report goes STARTED →
 * INPROGRESS → COMPLETE over `reportReadyAfter` GenerateCredentialReport calls, and GetCredentialReport
 * fails until then.
 */
export function installFakeIamAccount(
  iam: AwsClientStub<IAMClient>,
  inventory: IamInventory,
  options: { reportReadyAfter?: number } = {},
): { generateCalls: () => number } {
  const gaad = JSON.parse(toGaadJson(inventory)) as {
    RoleDetailList: Record<string, unknown>[];
    UserDetailList: Record<string, unknown>[];
  };
  const all = [
    ...gaad.RoleDetailList.map((r) => ({ kind: 'role' as const, item: sdkShape(r) })),
    ...gaad.UserDetailList.map((u) => ({ kind: 'user' as const, item: sdkShape(u) })),
  ];
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .callsFake((input: GetAccountAuthorizationDetailsCommandInput) => {
      const start = input.Marker ? Number(input.Marker) : 0;
      const size = Math.min(input.MaxItems ?? 100, 1000);
      const page = all.slice(start, start + size);
      const end = start + page.length;
      return {
        RoleDetailList: page.filter((p) => p.kind === 'role').map((p) => p.item),
        UserDetailList: page.filter((p) => p.kind === 'user').map((p) => p.item),
        IsTruncated: end < all.length,
        ...(end < all.length ? { Marker: String(end) } : {}),
      };
    });
  return installFakeCredentialReport(iam, () => toCredentialReportCsv(inventory), options);
}

/**
 * The credential report half of the fake: STARTED → INPROGRESS → COMPLETE over `reportReadyAfter`
 * GenerateCredentialReport calls; GetCredentialReport fails until then, then returns `csv()`.
 */
export function installFakeCredentialReport(
  iam: AwsClientStub<IAMClient>,
  csv: () => string | Uint8Array,
  options: { reportReadyAfter?: number } = {},
): { generateCalls: () => number } {
  let generated = 0;
  const readyAfter = options.reportReadyAfter ?? 2;
  iam.on(GenerateCredentialReportCommand).callsFake(() => {
    generated++;
    return { State: generated >= readyAfter ? 'COMPLETE' : generated === 1 ? 'STARTED' : 'INPROGRESS' };
  });
  iam.on(GetCredentialReportCommand).callsFake(() => {
    if (generated < readyAfter)
      throw new CredentialReportNotReadyException({ message: 'Report is not ready', $metadata: {} });
    const content = csv();
    return {
      Content: typeof content === 'string' ? new TextEncoder().encode(content) : content,
      ReportFormat: 'text/csv',
      GeneratedTime: new Date(),
    };
  });
  return { generateCalls: () => generated };
}

/** A GAAD JSON item (as `toGaadJson` writes it) in the shape the SDK returns: Dates, URL-encoded documents. */
export function sdkShape(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...item,
    CreateDate: new Date(String(item.CreateDate).replace(' ', 'T')),
  };
  if (item.AssumeRolePolicyDocument)
    out.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(item.AssumeRolePolicyDocument));
  const lastUsed = item.RoleLastUsed as { LastUsedDate?: string; Region?: string } | undefined;
  if (lastUsed?.LastUsedDate)
    out.RoleLastUsed = { ...lastUsed, LastUsedDate: new Date(lastUsed.LastUsedDate.replace(' ', 'T')) };
  for (const list of ['RolePolicyList', 'UserPolicyList'] as const) {
    const policies = item[list] as { PolicyName: string; PolicyDocument: unknown }[] | undefined;
    if (policies)
      out[list] = policies.map((p) => ({
        ...p,
        PolicyDocument: encodeURIComponent(JSON.stringify(p.PolicyDocument)),
      }));
  }
  return out;
}
