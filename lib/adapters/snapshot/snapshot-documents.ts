import { indexInventory, inventoryPermissions } from '../../domain/escalation/inventory-permissions.js';
import type { IdentityRef } from '../../domain/identity.js';
import type { IamInventory } from '../../domain/inventory.js';
import type {
  IdentityPermissions,
  ManagedPolicyVersion,
  PolicyDocumentReader,
} from '../../ports/policy-documents.js';

/**
 * Policy documents from an IAM snapshot (GAAD export): managed policies' default versions and each
 * identity's current policies, for the escalation analysis in local mode.
 */
export class SnapshotPolicyDocuments implements PolicyDocumentReader {
  constructor(private readonly inventory: IamInventory) {}

  async managedPolicy(arn: string): Promise<ManagedPolicyVersion | undefined> {
    const p = indexInventory(this.inventory).managed.get(arn);
    return p && p.document !== undefined
      ? { arn: p.arn, versionId: p.defaultVersionId, document: p.document }
      : undefined;
  }

  async identityPermissions(ref: IdentityRef): Promise<IdentityPermissions | undefined> {
    const list: readonly { name: string }[] =
      ref.type === 'role' ? this.inventory.roles : this.inventory.users;
    const identity = list.find((i) => i.name === ref.name) as
      | IamInventory['roles'][number]
      | IamInventory['users'][number]
      | undefined;
    if (!identity) return undefined;
    const { set, missing } = inventoryPermissions(identity, indexInventory(this.inventory));
    return {
      arn: identity.arn,
      policies: set.policies,
      ...(missing.length > 0 ? { unread: missing } : {}),
      ...(identity.permissionsBoundaryArn ? { boundaryArn: identity.permissionsBoundaryArn } : {}),
    };
  }
}
