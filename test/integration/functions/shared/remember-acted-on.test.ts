import { createHash } from 'node:crypto';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../../../lib/domain/decision.js';
import type { DecisionEvent } from '../../../../lib/domain/provisioning/verify.js';
import { createTestTables, type TestTables } from '../../../support/dynamo.js';

// The Lambda bundles replace Powertools' JMESPath with this stub (infra/constructs/nhi-function.ts):
// the executors' exactly-once must work with it, so these tests load the stub in its place too.
vi.mock('@aws-lambda-powertools/jmespath', () => import('../../../../functions/shared/no-jmespath.js'));
vi.mock(
  '@aws-lambda-powertools/jmespath/functions',
  () => import('../../../../functions/shared/no-jmespath.js'),
);
const { rememberActedOn } = await import('../../../../functions/shared/remember-acted-on.js');

const EVENT: DecisionEvent = {
  schemaVersion: '1',
  decisionId: '01JDECISION00000000000000A',
  version: 3,
  kind: 'grant',
  status: 'approved',
  identityKey: 'role/payments-batch',
} as DecisionEvent;

const context = {
  functionName: 'nhi-gov-provision',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

describe('rememberActedOn without JMESPath (the bundles stub it out)', () => {
  let tables: TestTables;
  beforeAll(async () => {
    tables = await createTestTables();
  });

  it('executes a verified event once and answers its replay from the idempotency record', async () => {
    // Arrange
    const execute = vi.fn(async () => ({ status: 'succeeded' }));
    const run = rememberActedOn(
      { admit: async () => ({ ok: true, decision: {} as Decision }), execute },
      new DynamoDBPersistenceLayer({ tableName: tables.names.idempotency, awsSdkV3Client: tables.client }),
      new Set(['succeeded']),
    );

    // Act
    const first = await run(EVENT, context);
    const replay = await run({ ...EVENT }, context);

    // Assert
    expect(first).toEqual({ status: 'succeeded' });
    expect(replay).toEqual({ status: 'succeeded' });
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('keys the record on the hash the JMESPath expression gave, so records written before still count', async () => {
    // Arrange: the key Powertools derived from `[decisionId, version, status, kind, identityKey]`.
    const other = { ...EVENT, decisionId: '01JDECISION00000000000000B' };
    const selection = [other.decisionId, other.version, other.status, other.kind, other.identityKey];
    const oldHash = createHash('md5').update(JSON.stringify(selection)).digest('base64');
    const run = rememberActedOn(
      {
        admit: async () => ({ ok: true, decision: {} as Decision }),
        execute: async () => ({ status: 'succeeded' }),
      },
      new DynamoDBPersistenceLayer({ tableName: tables.names.idempotency, awsSdkV3Client: tables.client }),
      new Set(['succeeded']),
    );

    // Act
    await run(other, context);

    // Assert
    const { Items = [] } = await tables.doc.send(new ScanCommand({ TableName: tables.names.idempotency }));
    expect(Items.map((i) => String(i.id).split('#').at(-1))).toContain(oldHash);
  });
});
