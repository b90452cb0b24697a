import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoExecutionTrail } from '../../../../lib/adapters/dynamodb/execution-trail.js';
import { ConflictError } from '../../../../lib/domain/errors.js';
import { anExecution, newTestId } from '../../../support/builders.js';
import { createTestTables } from '../../../support/dynamo.js';

let trail: DynamoExecutionTrail;

beforeAll(async () => {
  const tables = await createTestTables();
  trail = new DynamoExecutionTrail(tables.doc, tables.names.executions);
});

describe('DynamoExecutionTrail', () => {
  it('refuses to overwrite a record and keeps the original', async () => {
    // Arrange
    const original = anExecution();
    await trail.append(original);
    // Act
    const overwrite = trail.append({ ...original, status: 'failed', error: 'rewritten history' });
    // Assert
    await expect(overwrite).rejects.toBeInstanceOf(ConflictError);
    expect(await trail.listForDecision(original.decisionId)).toEqual([original]);
  });

  it('keeps a decision trail in (version, step) order whatever the write order', async () => {
    const decisionId = newTestId();
    const records = [
      anExecution({ decisionId, decisionVersion: 3, step: 0, action: 'detach-role-policy', kind: 'revoke' }),
      anExecution({ decisionId, decisionVersion: 2, step: 1, action: 'tag-role' }),
      anExecution({ decisionId, decisionVersion: 2, step: 0, action: 'create-role' }),
      anExecution({ decisionId, decisionVersion: 2, step: 10, action: 'schedule-revoke' }),
    ];
    for (const r of records) await trail.append(r);
    const listed = await trail.listForDecision(decisionId);
    expect(listed.map((r) => `${r.decisionVersion}/${r.step}`)).toEqual(['2/0', '2/1', '2/10', '3/0']);
  });

  it('answers "what changed on this identity" and "what ran that day" from the indexes', async () => {
    const tables = await createTestTables();
    const own = new DynamoExecutionTrail(tables.doc, tables.names.executions);
    const day1 = anExecution({ identityKey: 'user/ci-bot', finishedAt: '2026-02-01T23:59:59.000Z' });
    const day2 = anExecution({ identityKey: 'user/ci-bot', finishedAt: '2026-02-02T00:00:01.000Z' });
    const otherIdentity = anExecution({ identityKey: 'role/etl', finishedAt: '2026-02-02T08:00:00.000Z' });
    for (const r of [day2, otherIdentity, day1]) await own.append(r);

    expect((await own.listForIdentity('user/ci-bot')).map((r) => r.finishedAt)).toEqual([
      day1.finishedAt,
      day2.finishedAt,
    ]);
    expect((await own.listForDay('2026-02-02')).map((r) => r.identityKey)).toEqual([
      'user/ci-bot',
      'role/etl',
    ]);
    expect(await own.listForDay('2026-02-03')).toEqual([]);
  });
});
