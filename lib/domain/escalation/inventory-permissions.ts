import type {
  IamInventory,
  InventoryGroup,
  InventoryRole,
  InventoryUser,
  ManagedPolicy,
} from '../inventory.js';
import type { PermissionSet } from './analyse.js';
import type { PolicySource } from './statements.js';

/** Managed policies and groups of one inventory, by ARN and name: built once per scan or request. */
export interface InventoryIndex {
  readonly managed: ReadonlyMap<string, ManagedPolicy>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  /** False when the source carried no managed policy documents at all. */
  readonly hasPolicies: boolean;
}

const indexes = new WeakMap<IamInventory, InventoryIndex>();

export function indexInventory(inventory: IamInventory): InventoryIndex {
  let index = indexes.get(inventory);
  if (!index) {
    index = {
      managed: new Map((inventory.managedPolicies ?? []).map((p) => [p.arn, p])),
      groups: new Map((inventory.groups ?? []).map((g) => [g.name, g])),
      hasPolicies: inventory.managedPolicies !== undefined,
    };
    indexes.set(inventory, index);
  }
  return index;
}

export interface InventoryPermissions {
  readonly set: PermissionSet;
  /** Policies whose documents the inventory does not hold. */
  readonly missing: readonly string[];
}

/**
 * The permissions an inventory shows for one identity: attached managed policies (their default
 * versions), inline policies, for a user its groups' policies, and its permissions boundary.
 */
export function inventoryPermissions(
  identity: InventoryRole | InventoryUser,
  index: InventoryIndex,
): InventoryPermissions {
  const policies: PolicySource[] = [];
  const missing: string[] = [];
  const addManaged = (arn: string, prefix: string) => {
    const doc = index.managed.get(arn)?.document;
    if (doc === undefined) missing.push(`${prefix}managed-policy:${arn}`);
    else policies.push({ source: `${prefix}managed-policy:${arn}`, document: doc });
  };
  const addInline = (name: string, document: unknown, prefix: string) => {
    if (document === undefined) missing.push(`${prefix}inline-policy:${name}`);
    else policies.push({ source: `${prefix}inline-policy:${name}`, document });
  };
  for (const p of identity.attachedManagedPolicies) addManaged(p.arn, '');
  for (const p of identity.inlinePolicies) addInline(p.name, p.document, '');
  if ('groups' in identity) {
    for (const name of identity.groups) {
      const g = index.groups.get(name);
      if (!g) {
        missing.push(`group:${name}`);
        continue;
      }
      for (const p of g.attachedManagedPolicies) addManaged(p.arn, `group:${name}/`);
      for (const p of g.inlinePolicies) addInline(p.name, p.document, `group:${name}/`);
    }
  }
  let boundary: PermissionSet['boundary'];
  if (identity.permissionsBoundaryArn) {
    const source = `boundary:${identity.permissionsBoundaryArn}`;
    const doc = index.managed.get(identity.permissionsBoundaryArn)?.document;
    boundary = doc === undefined ? { source, unknown: true } : { source, document: doc };
  }
  return { set: { policies, ...(boundary ? { boundary } : {}) }, missing };
}
