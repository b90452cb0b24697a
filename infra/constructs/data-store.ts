import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import type { PolicyDocument } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ORG_EVENTS_TABLE } from '../../lib/config/organization.js';
import { type KeyAttribute, TABLES, type TableDefinition, type TableId } from '../../lib/config/tables.js';

export interface DataStoreProps {
  /** Keep tables when the stack is deleted (default: RETAIN). */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse table deletion through the API (default: true). */
  readonly deletionProtection?: boolean;
  /** Which of the suite's tables this stack holds (default: all four). */
  readonly include?: readonly TableId[];
  /** Fixed physical names (a table another account refers to needs one). */
  readonly tableNames?: Partial<Record<TableId, string>>;
  /** Resource-based policies (cross-account readers of the decisions table). */
  readonly resourcePolicies?: Partial<Record<TableId, PolicyDocument>>;
  /** Organization hub: also the org-events table (member findings and outcomes), with this name. */
  readonly orgEvents?: { readonly tableName: string };
}

interface TableOptions {
  readonly tableName?: string;
  readonly resourcePolicy?: PolicyDocument;
}

const attribute = (a: KeyAttribute): Attribute => ({
  name: a.name,
  type: a.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** Builds one table from its shared definition (lib/config/tables.ts), the same one local mode uses. */
export function tableFromDefinition(
  scope: Construct,
  id: string,
  def: Omit<TableDefinition, 'id'>,
  props: DataStoreProps,
  options: TableOptions = {},
): TableV2 {
  return new TableV2(scope, id, {
    ...(options.tableName ? { tableName: options.tableName } : {}),
    ...(options.resourcePolicy ? { resourcePolicy: options.resourcePolicy } : {}),
    partitionKey: attribute(def.partitionKey),
    ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
    globalSecondaryIndexes: def.indexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: attribute(index.sortKey),
    })),
    ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
    ...(def.stream
      ? {
          dynamoStream:
            def.stream === 'NEW_IMAGE' ? StreamViewType.NEW_IMAGE : StreamViewType.NEW_AND_OLD_IMAGES,
        }
      : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.deletionProtection ?? true,
    encryption: TableEncryptionV2.awsManagedKey(),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}

const CONSTRUCT_IDS: Readonly<Record<TableId, string>> = {
  decisions: 'Decisions',
  executions: 'Executions',
  findings: 'Findings',
  idempotency: 'Idempotency',
};

/**
 * The suite's tables: decisions, executions, findings and idempotency (all four in one account; in the
 * organization mode the hub holds decisions and each member the other three).
 */
export class DataStore extends Construct {
  readonly tables: Partial<Record<TableId, TableV2>> = {};
  /** Organization hub only: the org-wide copy of member events (not one of the four suite tables). */
  readonly orgEvents?: TableV2;

  constructor(scope: Construct, id: string, props: DataStoreProps = {}) {
    super(scope, id);
    const include = new Set(props.include ?? TABLES.map((t) => t.id));
    for (const def of TABLES) {
      if (!include.has(def.id)) continue;
      const tableName = props.tableNames?.[def.id];
      const resourcePolicy = props.resourcePolicies?.[def.id];
      this.tables[def.id] = tableFromDefinition(this, CONSTRUCT_IDS[def.id], def, props, {
        ...(tableName ? { tableName } : {}),
        ...(resourcePolicy ? { resourcePolicy } : {}),
      });
    }
    if (props.orgEvents) {
      this.orgEvents = tableFromDefinition(this, 'OrgEvents', ORG_EVENTS_TABLE, props, {
        tableName: props.orgEvents.tableName,
      });
    }
  }

  /**
   * One table of this stack.
   * @throws Error when this stack does not hold that table.
   */
  table(id: TableId): TableV2 {
    const table = this.tables[id];
    if (!table) throw new Error(`this stack has no ${id} table`);
    return table;
  }

  get decisions(): TableV2 {
    return this.table('decisions');
  }
  get executions(): TableV2 {
    return this.table('executions');
  }
  get findings(): TableV2 {
    return this.table('findings');
  }
  get idempotency(): TableV2 {
    return this.table('idempotency');
  }
}
