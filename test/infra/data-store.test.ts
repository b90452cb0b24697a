import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../lib/config/tables.js';
import { synthSingle } from './support/synth.js';

let template: Template;

beforeAll(() => {
  ({ template } = synthSingle());
});

describe('DataStore', () => {
  it('creates one table per shared definition with its keys and indexes', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toHaveLength(TABLES.length);
    for (const def of TABLES) {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        GlobalSecondaryIndexes: def.indexes.length
          ? def.indexes.map((i) => ({
              IndexName: i.indexName,
              KeySchema: [
                { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
                { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            }))
          : Match.absent(),
      });
    }
  });

  it('protects every table: point-in-time recovery, deletion protection, encryption, retained on stack delete', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    for (const [id, table] of Object.entries(tables)) {
      expect(table.DeletionPolicy, id).toBe('Retain');
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      for (const replica of table.Properties.Replicas) {
        expect(replica.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.DeletionProtectionEnabled, id).toBe(true);
      }
    }
  });

  it('streams the decision and execution tables for the event pipes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: Match.anyValue(),
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'by-approver' })]),
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'by-day' })]),
    });
  });
});
