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
