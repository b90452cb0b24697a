import { createHash } from 'node:crypto';
import { accountOfInventory } from '../../domain/account.js';
import type { IamInventory } from '../../domain/inventory.js';
import { CREDENTIAL_REPORT_COLUMNS } from '../snapshot/write-snapshot.js';
import {
  emptyAccount,
  SANDBOX_KEY,
  type SandboxAccessKey,
  type SandboxAccount,
  type SandboxRole,
  type SandboxUser,
} from './iam-sandbox.js';

const tagList = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** A key id for a key the credential report shows but does not name: stable per user and slot. */
function importedKeyId(accountId: string, user: string, slot: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(`${accountId}/${user}/${slot}`).digest();
  return `AKIA${[...digest.subarray(0, 16)].map((b) => alphabet[b % 32]).join('')}`;
}

/**
 * The sandbox account of a snapshot (read and checked by readSnapshot): the GAAD lists with documents
 * decoded and dates in ISO form, and the credential report's keys, passwords and MFA as sandbox state.
 * Keys the report shows have no secret in the sandbox: nothing can sign with them, as with a real
 * snapshot.
 */
export function accountFromInventory(inventory: IamInventory): SandboxAccount {
  const accountId = accountOfInventory(inventory, undefined, '--gaad');
  const account = emptyAccount(accountId);
  const x = account[SANDBOX_KEY];
  account.RoleDetailList = inventory.roles.map(
    (r): SandboxRole => ({
      Path: r.path,
      RoleName: r.name,
      RoleId:
        r.id ??
        `AROA${r.name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 16)}`,
      Arn: r.arn,
      CreateDate: r.createdAt,
      ...(r.trustPolicy !== undefined ? { AssumeRolePolicyDocument: r.trustPolicy } : {}),
      InstanceProfileList: r.instanceProfiles.map((InstanceProfileName) => ({ InstanceProfileName })),
      RolePolicyList: r.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
      AttachedManagedPolicies: r.attachedManagedPolicies.map((p) => ({
        PolicyName: p.name,
        PolicyArn: p.arn,
      })),
      Tags: tagList(r.tags),
      ...(r.permissionsBoundaryArn
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryType: 'Policy',
              PermissionsBoundaryArn: r.permissionsBoundaryArn,
            },
          }
        : {}),
      RoleLastUsed: {
        ...(r.lastUsedAt ? { LastUsedDate: r.lastUsedAt } : {}),
        ...(r.lastUsedRegion ? { Region: r.lastUsedRegion } : {}),
      },
    }),
  );
  account.UserDetailList = inventory.users.map(
    (u): SandboxUser => ({
      Path: u.path,
      UserName: u.name,
      UserId:
        u.id ??
        `AIDA${u.name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 16)}`,
      Arn: u.arn,
      CreateDate: u.createdAt,
      GroupList: [...u.groups],
      UserPolicyList: u.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
      AttachedManagedPolicies: u.attachedManagedPolicies.map((p) => ({
        PolicyName: p.name,
        PolicyArn: p.arn,
      })),
      Tags: tagList(u.tags),
      ...(u.permissionsBoundaryArn
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryType: 'Policy',
              PermissionsBoundaryArn: u.permissionsBoundaryArn,
            },
          }
        : {}),
    }),
  );
  account.GroupDetailList = (inventory.groups ?? []).map((g) => ({
    GroupName: g.name,
    Arn: g.arn,
    GroupPolicyList: g.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
    AttachedManagedPolicies: g.attachedManagedPolicies.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
  }));
  account.Policies = (inventory.managedPolicies ?? []).map((p) => ({
    PolicyName: p.name,
    Arn: p.arn,
    DefaultVersionId: p.defaultVersionId,
    PolicyVersionList: [{ VersionId: p.defaultVersionId, IsDefaultVersion: true, Document: p.document }],
  }));
  for (const u of inventory.users) {
    if (!u.credentialReportSeen) continue;
    const keys = u.accessKeys.map(
      (k): SandboxAccessKey => ({
        AccessKeyId: k.accessKeyId ?? importedKeyId(accountId, u.name, k.slot),
        Status: k.active ? 'Active' : 'Inactive',
        CreateDate: k.lastRotatedAt ?? u.createdAt,
        ...(k.lastUsedAt ? { LastUsedDate: k.lastUsedAt } : {}),
        ...(k.lastUsedService ? { LastUsedService: k.lastUsedService } : {}),
      }),
    );
    if (keys.length > 0) x.accessKeys[u.name] = keys;
    if (u.passwordEnabled) x.loginProfiles.push(u.name);
    if (u.mfaActive) x.mfaDevices[u.name] = [`arn:aws:iam::${accountId}:mfa/${u.name}`];
    x.reportCells[u.name] = {
      ...(u.passwordLastUsedAt ? { password_last_used: u.passwordLastUsedAt } : {}),
    };
  }
  return account;
}

const NA = 'N/A';

/**
 * The credential report of the sandbox account, derived from its state: IAM generates the report from
 * the same data, so it can never disagree with the account file. Keys in creation order fill slots 1
 * and 2, as IAM's report does.
 */
export function credentialReportCsv(account: SandboxAccount): string {
  const x = account[SANDBOX_KEY];
  const rows: string[][] = [[...CREDENTIAL_REPORT_COLUMNS]];
  for (const u of account.UserDetailList) {
    const keys = [...(x.accessKeys[u.UserName] ?? [])].sort((a, b) =>
      a.CreateDate.localeCompare(b.CreateDate),
    );
    const password = x.loginProfiles.includes(u.UserName);
    const cells: Record<string, string> = {
      user: u.UserName,
      arn: u.Arn,
      user_creation_time: u.CreateDate,
      password_enabled: String(password),
      password_last_used:
        (password && x.reportCells[u.UserName]?.password_last_used) || (password ? 'no_information' : NA),
      password_last_changed: password ? u.CreateDate : NA,
      password_next_rotation: NA,
      mfa_active: String((x.mfaDevices[u.UserName] ?? []).length > 0),
      cert_1_active: 'false',
      cert_1_last_rotated: NA,
      cert_2_active: 'false',
      cert_2_last_rotated: NA,
    };
    for (const slot of [1, 2] as const) {
      const k = keys[slot - 1];
      cells[`access_key_${slot}_active`] = String(k?.Status === 'Active');
      cells[`access_key_${slot}_last_rotated`] = k?.CreateDate ?? NA;
      cells[`access_key_${slot}_last_used_date`] = k?.LastUsedDate ?? NA;
      cells[`access_key_${slot}_last_used_region`] = k?.LastUsedRegion ?? NA;
      cells[`access_key_${slot}_last_used_service`] = k?.LastUsedService ?? NA;
    }
    rows.push(CREDENTIAL_REPORT_COLUMNS.map((c) => cells[c] ?? NA));
  }
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return `${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;
}
