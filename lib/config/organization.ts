/**
 * Names and keys that organization mode (one hub, member stacks by StackSet) relies on in several
 * places: the hub and member templates (infra/), the org-wide reports and the migration (lib/). Each
 * is declared once here. docs/organization.md explains the design.
 */
import { accountPartition, decisionPartition, identityPartition } from './decision-keys.js';
import type { TableDefinition } from './tables.js';

/** The hub's decisions table: a fixed name, because member templates address it by ARN. */
export const HUB_DECISIONS_TABLE_NAME = 'nhi-gov-decisions';
/** The hub's append-only store of member events (findings, outcomes): the org-wide view reads it. */
export const HUB_ORG_EVENTS_TABLE_NAME = 'nhi-gov-org-events';

/**
 * Role-name stems (after `nhi-gov-`, before `-<region>`) of the suite roles that cross an account
 * boundary. The hub's bus and table policies admit these names only, under the suite's role path.
 */
export const CROSS_ACCOUNT_ROLES = {
  /** Member: the rule role that forwards member events to the hub bus. */
  toHub: 'to-hub',
  /** Hub: the state machine role that puts decision events on a member's bus. */
  dispatch: 'dispatch',
} as const;

/** Member events the hub receives: outcomes and findings for the org-wide view, revoke requests for governance. */
export const MEMBER_TO_HUB_DETAIL_TYPES = [
  'AccessProvisioned',
  'AccessProvisioningFailed',
  'SecretRotated',
  'FindingOpened',
  'FindingResolved',
  'ScanCompleted',
  'RevokeRequested',
] as const;

/** The member events the hub keeps in its org-events table (RevokeRequested goes to governance instead). */
export const ORG_VIEW_DETAIL_TYPES = MEMBER_TO_HUB_DETAIL_TYPES.filter((t) => t !== 'RevokeRequested');

/** The scan log's partition (lib/adapters/dynamodb/scan-log.ts): the hub keeps each member's newest scan there. */
export const SCAN_LOG_PARTITION = 'SCANS';

/** Decision events the hub dispatches to the executors of the decision's account. */
export const HUB_TO_MEMBER_DETAIL_TYPES = ['DecisionApproved', 'DecisionRevoked', 'DecisionExpired'] as const;

/** The IAM policy variable of the calling principal's account (resolved by IAM per request). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
export const PRINCIPAL_ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';

/** The attribute of a hub decision item (and field of its events' detail) naming the account it acts in. */
export const DECISION_ACCOUNT_ATTRIBUTE = 'accountId';

/**
 * Partition-key patterns (IAM `StringLike`) of the hub decision items a member's suite roles may read,
 * for the member `account` (an IAM policy variable in the template: `${aws:PrincipalAccount}`).
 * The hub table's resource policy allows GetItem/Query only when every leading key matches one of
 * these (`dynamodb:LeadingKeys`; for a Query on an index, the index's partition key), so a member
 * reads its own decisions and no other member's. Built from the adapter's own key builders
 * (decision-keys.ts), and declared nowhere else:
 *  - `DECISION#<account>-*`: a decision, its claims and denied attempts (decision ids in organization
 *    mode begin with the account: `<account>-<id>`, lib/domain/governance/policy-scope.ts);
 *  - `IDENTITY#<account>#*`: the by-identity partitions of its decisions (provision's other grants of
 *    an identity);
 *  - `ACCOUNT#<account>`: the by-account partition (the scanner's approved, revoked and expired
 *    decisions; refused attempts on them).
 * The org-wide partitions (`DECISION#<status>`, `EXPIRES#<status>`, `ATTEMPT#denied`, `CAMPAIGN#...`,
 * account-less `IDENTITY#<identityKey>`) match none of them: they are the hub's.
 */
export const memberReadableKeyPatterns = (account: string): string[] => [
  decisionPartition(`${account}-*`),
  identityPartition('*', account),
  accountPartition(account),
];

/**
 * The hub's org-events table: one item per member event, append-only, keyed by the account EventBridge
 * stamped on the event (never a field of its detail), so a member can only ever file events as itself.
 */
export const ORG_EVENTS_TABLE: Omit<TableDefinition, 'id'> & { readonly id: 'orgEvents' } = {
  id: 'orgEvents',
  purpose:
    'Hub only: every finding and execution outcome forwarded by the member stacks, per account and time. Append-only; written by the ingest state machine.',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [],
};

/** Key of an org-events item: `ACCOUNT#<account>` / `<time>#<detail-type>#<event id>`. */
export const orgEventKey = (account: string, time: string, detailType: string, eventId: string) => ({
  pk: `ACCOUNT#${account}`,
  sk: `${time}#${detailType}#${eventId}`,
});
