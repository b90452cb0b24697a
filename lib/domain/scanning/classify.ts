import type { Decision } from '../decision.js';
import { identityKey, normalizeIamPath } from '../identity.js';
import type { IamInventory, InventoryRole, InventoryUser } from '../inventory.js';

/** The tag provisioning writes on every identity it creates: who answers for it. */
export const OWNER_TAG = 'nhi-gov:owner';

/** Paths of roles AWS manages (service-linked roles) or that stand for people (IAM Identity Center). */
export const EXCLUDED_ROLE_PATHS = ['/aws-service-role/', '/aws-reserved/'] as const;

/**
 * - `nhi`: scanned. Every role outside the excluded paths; a user under the managed path; a user
 *   with an active access key.
 * - `aws-managed`: service-linked and SSO roles, excluded from NHI scanning.
 * - `human`: a user with a console password and no active key, outside the managed path.
 * - `unknown`: a user outside the managed path with no credentials (or no credential report to tell),
 *   so nothing key- or password-related can be judged.
 */
export type IdentityCategory = 'nhi' | 'aws-managed' | 'human' | 'unknown';

interface ClassifiedBase {
  readonly key: string;
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly createdAt: string;
  readonly category: IdentityCategory;
  /** Under the policy's managed path: nhi-gov provisions it, so drift rules apply. */
  readonly managed: boolean;
  readonly owner?: string;
  readonly ownerSource?: 'tag' | 'decision';
}

export type ClassifiedIdentity =
  | (ClassifiedBase & { readonly type: 'role'; readonly role: InventoryRole })
  | (ClassifiedBase & { readonly type: 'user'; readonly user: InventoryUser });

/** True when a user has at least one active access key. */
export const hasActiveKey = (user: InventoryUser) => user.accessKeys.some((k) => k.active);

function roleCategory(role: InventoryRole): IdentityCategory {
  return EXCLUDED_ROLE_PATHS.some((p) => role.path.startsWith(p)) ? 'aws-managed' : 'nhi';
}

function userCategory(user: InventoryUser, managed: boolean): IdentityCategory {
  if (managed) return 'nhi';
  if (!user.credentialReportSeen) return 'unknown';
  if (hasActiveKey(user)) return 'nhi';
  return user.passwordEnabled ? 'human' : 'unknown';
}

/**
 * Sorts every identity of an inventory into NHI / AWS-managed / human / unknown, marks those under the
 * managed path, and finds each one's owner: the `nhi-gov:owner` tag, else the owner on the latest
 * approved decision about it.
 */
export function classifyInventory(
  inventory: IamInventory,
  managedPath: string,
  approvedDecisions: readonly Decision[],
): ClassifiedIdentity[] {
  const scope = normalizeIamPath(managedPath);
  const decisionOwner = new Map<string, { owner: string; at: string }>();
  for (const d of approvedDecisions) {
    // Only decisions that name an owner say who owns the identity.
    if (!d.owner) continue;
    const at = d.decidedAt ?? d.createdAt;
    const seen = decisionOwner.get(d.identityKey);
    if (!seen || at > seen.at) decisionOwner.set(d.identityKey, { owner: d.owner, at });
  }
  const owner = (key: string, tags: Record<string, string>) => {
    const tag = tags[OWNER_TAG]?.trim();
    if (tag) return { owner: tag, ownerSource: 'tag' as const };
    const fromDecision = decisionOwner.get(key);
    return fromDecision ? { owner: fromDecision.owner, ownerSource: 'decision' as const } : {};
  };
  const base = (type: 'role' | 'user', item: InventoryRole | InventoryUser) => {
    const key = identityKey({ type, name: item.name });
    return {
      key,
      name: item.name,
      arn: item.arn,
      path: item.path,
      createdAt: item.createdAt,
      managed: normalizeIamPath(item.path).startsWith(scope),
      ...owner(key, item.tags),
    };
  };
  return [
    ...inventory.roles.map(
      (role): ClassifiedIdentity => ({
        ...base('role', role),
        type: 'role',
        role,
        category: roleCategory(role),
      }),
    ),
    ...inventory.users.map((user): ClassifiedIdentity => {
      const common = base('user', user);
      return { ...common, type: 'user', user, category: userCategory(user, common.managed) };
    }),
  ];
}
