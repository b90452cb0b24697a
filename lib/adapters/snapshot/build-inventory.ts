import type { IamInventory, InventoryUser } from '../../domain/inventory.js';
import type { CredentialReport } from './credential-report.js';
import { accountIdOf, type GaadIdentities } from './gaad.js';

/**
 * Joins GAAD identities with the credential report (by user name) into the inventory model. Users
 * the report does not list keep `credentialReportSeen: false`, so key rules do not read "no row" as
 * "no keys".
 */
export function buildInventory(options: {
  readonly source: IamInventory['source'];
  readonly collectedAt: string;
  readonly gaad: GaadIdentities;
  readonly report?: CredentialReport;
  readonly origin: readonly string[];
}): IamInventory {
  const { gaad, report } = options;
  const users: InventoryUser[] = gaad.users.map((user) => {
    const row = report?.users.get(user.name);
    if (!row) return { ...user, credentialReportSeen: false };
    return {
      ...user,
      ...(row.passwordEnabled !== undefined ? { passwordEnabled: row.passwordEnabled } : {}),
      ...(row.passwordLastUsedAt ? { passwordLastUsedAt: row.passwordLastUsedAt } : {}),
      ...(row.mfaActive !== undefined ? { mfaActive: row.mfaActive } : {}),
      accessKeys: [...row.accessKeys],
      credentialReportSeen: true,
    };
  });
  const accountId = accountIdOf([...gaad.roles.map((r) => r.arn), ...gaad.users.map((u) => u.arn)]);
  return {
    source: options.source,
    collectedAt: options.collectedAt,
    ...(accountId ? { accountId } : {}),
    roles: gaad.roles,
    users,
    ...(gaad.managedPolicies ? { managedPolicies: gaad.managedPolicies } : {}),
    ...(gaad.groups ? { groups: gaad.groups } : {}),
    origin: [...options.origin],
  };
}
