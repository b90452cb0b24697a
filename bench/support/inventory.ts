/** The generated IAM account the scan benchmarks share: same seed, same account, every run. */
import type { IamInventory, InventoryRole, InventoryUser } from '../../lib/domain/inventory.js';

/** The moment every generated account is scanned at. */
export const AS_OF = '2026-03-01T00:00:00Z';
const ACCOUNT = '123456789012';
const DAY = 86_400_000;

// A small deterministic generator, so every run scans the same account.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const ago = (days: number) => new Date(Date.parse(AS_OF) - Math.round(days * DAY)).toISOString();
const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)] as T;
const POLICIES = [
  { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' },
  { arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', name: 'AmazonS3ReadOnlyAccess' },
  { arn: `arn:aws:iam::${ACCOUNT}:policy/nhi/app-data`, name: 'app-data' },
];

/** A deterministic account of `n` identities (half roles, half users with one access key). */
export function generate(n: number): IamInventory {
  seed = 42;
  const roles: InventoryRole[] = [];
  const users: InventoryUser[] = [];
  for (let i = 0; i < n; i++) {
    const path = rand() < 0.3 ? '/nhi/' : pick(['/', '/app/', '/legacy/']);
    const tags: Record<string, string> = rand() < 0.8 ? { 'nhi-gov:owner': `team-${i % 40}` } : {};
    const createdAt = ago(5 + rand() * 900);
    const attachedManagedPolicies = rand() < 0.7 ? [pick(POLICIES)] : [];
    if (i % 2 === 0) {
      const used = rand();
      roles.push({
        name: `svc-role-${i}`,
        arn: `arn:aws:iam::${ACCOUNT}:role${path}svc-role-${i}`,
        path,
        createdAt,
        tags,
        attachedManagedPolicies,
        inlinePolicies: [],
        instanceProfiles: [],
        ...(used < 0.75 ? { lastUsedAt: ago(rand() * 200), lastUsedRegion: 'eu-west-1' } : {}),
      });
    } else {
      const active = rand() < 0.9;
      const rotated = ago(rand() * 500);
      users.push({
        name: `svc-user-${i}`,
        arn: `arn:aws:iam::${ACCOUNT}:user${path}svc-user-${i}`,
        path,
        createdAt,
        tags,
        attachedManagedPolicies,
        inlinePolicies: [],
        groups: [],
        passwordEnabled: rand() < 0.05,
        mfaActive: false,
        accessKeys: [
          {
            slot: 1,
            active,
            lastRotatedAt: rotated,
            ...(rand() < 0.85 ? { lastUsedAt: ago(rand() * 150), lastUsedService: 's3' } : {}),
          },
        ],
        credentialReportSeen: true,
      });
    }
  }
  return { source: 'snapshot', collectedAt: AS_OF, accountId: ACCOUNT, roles, users, origin: [] };
}
