/**
 * The suite's DynamoDB tables, defined once. The CDK constructs (infra/) and local mode
 * (lib/adapters/dynamodb/create-tables.ts) both build their tables from these definitions, so the
 * keys and indexes a deployed stack has are the ones the tests run against.
 * docs/data-model.md explains which question each index answers.
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** The question this index answers (documentation, and the reason it exists). */
  readonly answers: string;
}

export type TableId = 'decisions' | 'executions' | 'findings' | 'idempotency';

export interface TableDefinition {
  readonly id: TableId;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
  /** Stream view for tables whose changes feed the event bus. */
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  readonly purpose: string;
}

const S = (name: string): KeyAttribute => ({ name, type: 'S' });

/** Index names, shared by adapters and infra. */
export const INDEX = {
  decisionsByStatus: 'by-status',
  decisionsByExpiry: 'by-expiry',
  decisionsByIdentity: 'by-identity',
  decisionsByApprover: 'by-approver',
  decisionsByAccount: 'by-account',
  executionsByIdentity: 'by-identity',
  executionsByDay: 'by-day',
  findingsByStatus: 'by-status',
  findingsByOwner: 'by-owner',
  findingsByIdentity: 'by-identity',
  findingsByAccount: 'by-account',
} as const;

export const DECISIONS_TABLE: TableDefinition = {
  id: 'decisions',
  purpose:
    'Governance decisions, approvals, denied attempts and certification campaigns. Written only by governance.',
  partitionKey: S('pk'),
  sortKey: S('sk'),
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    {
      indexName: INDEX.decisionsByStatus,
      partitionKey: S('gsi1pk'),
      sortKey: S('gsi1sk'),
      answers:
        'Decisions (and campaigns, denied attempts) in a given status, oldest first: the approval queue, every approved grant.',
    },
    {
      indexName: INDEX.decisionsByExpiry,
      partitionKey: S('gsi2pk'),
      sortKey: S('gsi2sk'),
      answers:
        'Time-bound decisions in a status by expiry: which grants and exceptions expire before a date.',
    },
    {
      indexName: INDEX.decisionsByIdentity,
      partitionKey: S('gsi3pk'),
      sortKey: S('gsi3sk'),
      answers:
        'Every decision about one identity, in order: the audit trail and the drift check of that identity.',
    },
    {
      indexName: INDEX.decisionsByApprover,
      partitionKey: S('gsi4pk'),
      sortKey: S('gsi4sk'),
      answers: 'Every approval one principal gave, in time order: decisions by approver.',
    },
    {
      indexName: INDEX.decisionsByAccount,
      partitionKey: S('gsi5pk'),
      sortKey: S('gsi5sk'),
      answers:
        'Decisions of one account by status, and refused attempts on them (ACCOUNT#<id>): what a member may read of the hub, its scan of approved access.',
    },
  ],
};

export const EXECUTIONS_TABLE: TableDefinition = {
  id: 'executions',
  purpose:
    'Append-only execution trail of the provisioning and rotation functions. Never updated or deleted.',
  partitionKey: S('pk'),
  sortKey: S('sk'),
  stream: 'NEW_IMAGE',
  indexes: [
    {
      indexName: INDEX.executionsByIdentity,
      partitionKey: S('gsi1pk'),
      sortKey: S('gsi1sk'),
      answers: 'Every IAM change made to one identity, in time order: drift and audit reports.',
    },
    {
      indexName: INDEX.executionsByDay,
      partitionKey: S('gsi2pk'),
      sortKey: S('gsi2sk'),
      answers: 'Every execution finished on one day: provisioning latency metrics without a scan.',
    },
  ],
};

export const FINDINGS_TABLE: TableDefinition = {
  id: 'findings',
  purpose:
    'Findings raised by scanners and executors, daily metric snapshots and the per-account scan log, for reports.',
  partitionKey: S('pk'),
  sortKey: S('sk'),
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    {
      indexName: INDEX.findingsByStatus,
      partitionKey: S('gsi1pk'),
      sortKey: S('gsi1sk'),
      answers: 'Findings in a status, grouped by type then age: open findings by type, oldest first.',
    },
    {
      indexName: INDEX.findingsByOwner,
      partitionKey: S('gsi2pk'),
      sortKey: S('gsi2sk'),
      answers: 'Findings of one owner by status and type: what a team has to fix.',
    },
    {
      indexName: INDEX.findingsByIdentity,
      partitionKey: S('gsi3pk'),
      sortKey: S('gsi3sk'),
      answers:
        'Every finding of one account, by identity (ACCOUNT#<id>): the scan of that account, and the audit of one identity in it; findings without an account keep IDENTITY#<key>.',
    },
    {
      indexName: INDEX.findingsByAccount,
      partitionKey: S('gsi4pk'),
      sortKey: S('gsi4sk'),
      answers:
        'Findings of one account in one status (ACCOUNT#<id>#STATUS#<status>), by severity rank then type: `report findings --account`, read in proportion to the answer.',
    },
  ],
};

/** Powertools idempotency persistence layer: its default attribute names. */
export const IDEMPOTENCY_TABLE: TableDefinition = {
  id: 'idempotency',
  purpose: 'Powertools idempotency records of the executors, keyed on (decision id, version). Expire by TTL.',
  partitionKey: S('id'),
  indexes: [],
  timeToLiveAttribute: 'expiration',
};

export const TABLES: readonly TableDefinition[] = [
  DECISIONS_TABLE,
  EXECUTIONS_TABLE,
  FINDINGS_TABLE,
  IDEMPOTENCY_TABLE,
];

/** Physical table names, as the functions receive them. */
export type TableNames = Readonly<Record<TableId, string>>;

/** Table names for local mode and tests: `<prefix>-decisions`, ... */
export function localTableNames(prefix = 'nhi-gov'): TableNames {
  return {
    decisions: `${prefix}-decisions`,
    executions: `${prefix}-executions`,
    findings: `${prefix}-findings`,
    idempotency: `${prefix}-idempotency`,
  };
}

/** Environment variable names shared by the functions and the constructs that set them. */
export const ENV = {
  decisionsTable: 'DECISIONS_TABLE_NAME',
  executionsTable: 'EXECUTIONS_TABLE_NAME',
  findingsTable: 'FINDINGS_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
} as const;
