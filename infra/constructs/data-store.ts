import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  DECISIONS_TABLE,
  EXECUTIONS_TABLE,
  FINDINGS_TABLE,
  IDEMPOTENCY_TABLE,
  type KeyAttribute,
  type TableDefinition,
} from '../../lib/config/tables.js';

export interface DataStoreProps {
  /** Keep tables when the stack is deleted (default: RETAIN). */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse table deletion through the API (default: true). */
  readonly deletionProtection?: boolean;
}

const attribute = (a: KeyAttribute): Attribute => ({
  name: a.name,
  type: a.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** Builds one table from its shared definition (lib/config/tables.ts), the same one local mode uses. */
export function tableFromDefinition(
  scope: Construct,
  id: string,
  def: TableDefinition,
  props: DataStoreProps,
): TableV2 {
  return new TableV2(scope, id, {
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

/** The suite's four tables: decisions, executions, findings and idempotency. */
export class DataStore extends Construct {
  readonly decisions: TableV2;
  readonly executions: TableV2;
  readonly findings: TableV2;
  readonly idempotency: TableV2;

  constructor(scope: Construct, id: string, props: DataStoreProps = {}) {
    super(scope, id);
    this.decisions = tableFromDefinition(this, 'Decisions', DECISIONS_TABLE, props);
    this.executions = tableFromDefinition(this, 'Executions', EXECUTIONS_TABLE, props);
    this.findings = tableFromDefinition(this, 'Findings', FINDINGS_TABLE, props);
    // Idempotency records are short-lived by design; no point-in-time recovery needed, but it costs little.
    this.idempotency = tableFromDefinition(this, 'Idempotency', IDEMPOTENCY_TABLE, props);
  }
}
