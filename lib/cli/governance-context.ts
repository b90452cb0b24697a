import { DynamoCampaignStore } from '../adapters/dynamodb/campaign-store.js';
import { ulidGenerator } from '../adapters/system.js';
import { createGovernance, type Governance } from '../domain/governance/index.js';
import type { Policy } from '../domain/policy/schema.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { PolicyDocumentReader } from '../ports/policy-documents.js';
import type { Stores } from './local-store.js';

/**
 * The governance use cases over the local-mode stores (embedded DynamoDB Local), for the `nhi-gov`
 * commands: `request`, `approve`, ..., and `scan`, which files system revokes for expired grants and
 * exceptions through `fileSystemRevoke` instead of touching IAM.
 */
export function localGovernance(
  stores: Stores,
  policy: Policy,
  clock: Clock,
  ids: IdGenerator = ulidGenerator,
  documents?: PolicyDocumentReader,
): Governance {
  return createGovernance({
    ...(documents ? { documents } : {}),
    decisions: stores.decisions,
    campaigns: new DynamoCampaignStore(stores.doc, stores.names.decisions),
    policy,
    clock,
    ids,
  });
}
