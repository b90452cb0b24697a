import type { IamInventory, InventoryRole, InventoryUser } from '../../domain/inventory.js';

/**
 * Writes an inventory back out as the files AWS produces: GAAD JSON and a credential report CSV.
 * Used to make the example account, test fixtures and benchmark inputs; `dateStyle` chooses between
 * the two styles real exports use, so readers are exercised on both.
 */

export type DateStyle = 'iso-t' | 'space';

/** The credential report's columns, in IAM's order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** `2024-01-31T12:00:00+00:00` or `2024-01-31 12:00:00+00:00`, as IAM exports write them. */
export function formatIamDate(iso: string, style: DateStyle): string {
  const text = new Date(iso).toISOString().slice(0, 19);
  return `${style === 'space' ? text.replace('T', ' ') : text}+00:00`;
}

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function roleJson(role: InventoryRole, style: DateStyle): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId:
      role.id ??
      `AROA${role.name
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 17)}`,
    Arn: role.arn,
    CreateDate: formatIamDate(role.createdAt, style),
    ...(role.trustPolicy !== undefined ? { AssumeRolePolicyDocument: role.trustPolicy } : {}),
    InstanceProfileList: role.instanceProfiles.map((InstanceProfileName) => ({ InstanceProfileName })),
    RolePolicyList: role.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
    AttachedManagedPolicies: role.attachedManagedPolicies.map((p) => ({
      PolicyName: p.name,
      PolicyArn: p.arn,
    })),
    ...(role.permissionsBoundaryArn
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'Policy',
            PermissionsBoundaryArn: role.permissionsBoundaryArn,
          },
        }
      : {}),
    Tags: tagList(role.tags),
    // GAAD writes `{}` for a role that was never used, and a region only with a date.
    RoleLastUsed: role.lastUsedAt
      ? {
          LastUsedDate: formatIamDate(role.lastUsedAt, style),
          ...(role.lastUsedRegion ? { Region: role.lastUsedRegion } : {}),
        }
      : {},
  };
}

function userJson(user: InventoryUser, style: DateStyle): Record<string, unknown> {
  return {
    Path: user.path,
    UserName: user.name,
    UserId:
      user.id ??
      `AIDA${user.name
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 17)}`,
    Arn: user.arn,
    CreateDate: formatIamDate(user.createdAt, style),
    GroupList: user.groups,
    ...(user.inlinePolicies.length > 0
      ? {
          UserPolicyList: user.inlinePolicies.map((p) => ({
            PolicyName: p.name,
            PolicyDocument: p.document,
          })),
        }
      : {}),
    AttachedManagedPolicies: user.attachedManagedPolicies.map((p) => ({
      PolicyName: p.name,
      PolicyArn: p.arn,
    })),
    ...(user.permissionsBoundaryArn
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'Policy',
            PermissionsBoundaryArn: user.permissionsBoundaryArn,
          },
        }
      : {}),
    Tags: tagList(user.tags),
  };
}

/** The `aws iam get-account-authorization-details` JSON of an inventory's roles and users. */
export function toGaadJson(
  inventory: Pick<IamInventory, 'roles' | 'users'>,
  style: DateStyle = 'space',
): string {
  return `${JSON.stringify(
    {
      UserDetailList: inventory.users.map((u) => userJson(u, style)),
      GroupDetailList: [],
      RoleDetailList: inventory.roles.map((r) => roleJson(r, style)),
      Policies: [],
    },
    null,
    2,
  )}\n`;
}

/**
 * The credential report CSV of an inventory's users (those with `credentialReportSeen`), with the
 * `<root_account>` row first, as IAM writes it.
 */
export function toCredentialReportCsv(
  inventory: Pick<IamInventory, 'users' | 'accountId'>,
  options: { style?: DateStyle; rootCreatedAt?: string } = {},
): string {
  const style = options.style ?? 'iso-t';
  const date = (iso: string | undefined, none = 'N/A') => (iso ? formatIamDate(iso, style) : none);
  const account = inventory.accountId ?? '123456789012';
  const root = [
    '<root_account>',
    `arn:aws:iam::${account}:root`,
    date(options.rootCreatedAt ?? '2020-01-01T00:00:00Z'),
    'not_supported',
    'no_information',
    'not_supported',
    'not_supported',
    'true',
    ...['false', 'N/A', 'N/A', 'N/A', 'N/A'],
    ...['false', 'N/A', 'N/A', 'N/A', 'N/A'],
    ...['false', 'N/A', 'false', 'N/A'],
  ];
  const rows = inventory.users
    .filter((u) => u.credentialReportSeen)
    .map((u) => {
      const keyCells = ([1, 2] as const).flatMap((slot) => {
        const key = u.accessKeys.find((k) => k.slot === slot);
        if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
        return [
          String(key.active),
          date(key.lastRotatedAt),
          date(key.lastUsedAt),
          key.lastUsedAt ? 'us-east-1' : 'N/A',
          key.lastUsedService ?? 'N/A',
        ];
      });
      const password = u.passwordEnabled === true;
      return [
        u.name,
        u.arn,
        date(u.createdAt),
        String(password),
        password ? date(u.passwordLastUsedAt, 'no_information') : 'N/A',
        password ? date(u.createdAt) : 'N/A',
        'N/A',
        String(u.mfaActive ?? false),
        ...keyCells,
        'false',
        'N/A',
        'false',
        'N/A',
      ];
    });
  return `${[CREDENTIAL_REPORT_COLUMNS, root, ...rows].map((r) => r.join(',')).join('\n')}\n`;
}
