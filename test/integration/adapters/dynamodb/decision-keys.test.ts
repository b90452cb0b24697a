import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { upgradeDecisionKeys } from '../../../../lib/adapters/dynamodb/decision-key-upgrade.js';
import {
  DECISION_KEYS_VERSION,
  DynamoDecisionStore,
  decisionIndexKeys,
  decisionItem,
} from '../../../../lib/adapters/dynamodb/decision-store.js';
import { upgradeKeysOnce } from '../../../../lib/adapters/dynamodb/key-upgrade.js';
import { INDEX } from '../../../../lib/config/tables.js';
import type { Decision } from '../../../../lib/domain/decision.js';
import { aDecision, newTestId } from '../../../support/builders.js';
import { createTestTables, type TestTables } from '../../../support/dynamo.js';

let tables: TestTables;
let hub: DynamoDecisionStore;
const A = '111111111111';
const B = '111111111112';

beforeAll(async () => {
  tables = await createTestTables();
  hub = new DynamoDecisionStore(tables.doc, tables.names.decisions);
});

const member = (account: string) => new DynamoDecisionStore(tables.doc, tables.names.decisions, { account });

/** A decision of `account` about `identityKey`, keyed as in an organization (`<account>-<id>`). */
const inAccount = (account: string | undefined, identityKey: string, overrides: Partial<Decision> = {}) =>
  aDecision({
    id: account ? `${account}-${newTestId()}` : newTestId(),
    identityKey,
    request: {
      kind: 'grant',
      identity: { type: 'role', name: identityKey.slice('role/'.length) },
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      justification: 'nightly reconciliation job reads the ledger',
    },
    ...(account ? { accountId: account } : {}),
    ...overrides,
  });

/** Writes a decision as version 1 of the keys did (before #15): no account in any index key. */
async function putOldShape(decision: Decision): Promise<void> {
  const { gsi5pk: _p, gsi5sk: _s, ...item } = decisionItem(decision);
  await tables.doc.send(
    new PutCommand({
      TableName: tables.names.decisions,
      Item: { ...item, gsi3pk: `IDENTITY#${decision.identityKey}` },
    }),
  );
}

const ids = (list: readonly Decision[]) => list.map((d) => d.id).sort();

describe('DynamoDecisionStore: account-scoped index keys (#15)', () => {
  it('keeps role/x of two accounts in two by-identity partitions: each look-up returns its own account only', async () => {
    // Arrange: the same role name in two accounts whose ids share a prefix, and one without account.
    const key = `role/app-${newTestId()}`;
    const [a, b, none] = [inAccount(A, key), inAccount(B, key), inAccount(undefined, key)];
    for (const d of [a, b, none]) await hub.create(d);
    // Act / Assert: governance (whole table) per account; the account-less decision belongs to any.
    expect(ids(await hub.listByIdentity(key, A))).toEqual(ids([a, none]));
    expect(ids(await hub.listByIdentity(key, B))).toEqual(ids([b, none]));
    expect(ids(await hub.listByIdentity(key))).toEqual([none.id]);
    // A member reads its own partition only: the account-less one is the hub's.
    expect(ids(await member(A).listByIdentity(key))).toEqual([a.id]);
    expect(ids(await member(B).listByIdentity(key, B))).toEqual([b.id]);
  });

  it("lists a member's approved decisions and refused attempts of its own account only (the scanner's reads)", async () => {
    // Arrange
    const key = `role/scan-${newTestId()}`;
    const mine = inAccount(A, key, { status: 'approved', version: 2 });
    const theirs = inAccount(B, key, { status: 'approved', version: 2 });
    for (const d of [mine, theirs]) await hub.create(d);
    for (const d of [mine, theirs])
      await hub.recordDeniedAttempt({
        decisionId: d.id,
        at: '2026-03-01T10:00:00.000Z',
        actor: 'arn:aws:iam::999999999999:role/x',
        action: 'approve',
        code: 'SEPARATION_OF_DUTIES',
        reason: 'requester',
      });
    // Act
    const approved = await member(A).listByStatus('approved');
    const attempts = await member(A).listDeniedAttemptsSince('2026-03-01T00:00:00.000Z');
    // Assert
    expect(approved.map((d) => d.id)).toContain(mine.id);
    expect(approved.every((d) => d.accountId === A)).toBe(true);
    expect(attempts.map((x) => x.decisionId)).toEqual([mine.id]);
    expect((await hub.listByStatus('approved')).map((d) => d.id)).toEqual(
      expect.arrayContaining([mine.id, theirs.id]),
    );
  });

  it('never returns another account’s decision to a member, for names chosen to collide (fast-check)', async () => {
    const account = fc
      .array(fc.constantFrom('1', '2'), { minLength: 12, maxLength: 12 })
      .map((d) => d.join(''));
    const name = fc.stringMatching(/^[\w+=,.@-]{1,20}$/);
    await fc.assert(
      fc.asyncProperty(account, account, name, async (mine, other, n) => {
        fc.pre(mine !== other);
        const key = `role/${n}-${newTestId()}`;
        const [m, o] = [
          inAccount(mine, key, { status: 'approved', version: 2 }),
          inAccount(other, key, { status: 'approved', version: 2 }),
        ];
        await hub.create(m);
        await hub.create(o);
        expect(ids(await member(mine).listByIdentity(key))).toEqual([m.id]);
        expect(ids(await member(other).listByIdentity(key))).toEqual([o.id]);
        expect((await member(mine).listByStatus('approved')).some((d) => d.accountId !== mine)).toBe(false);
      }),
      { numRuns: 12 },
    );
  });
});

describe('upgradeDecisionKeys: decisions stored before the account was in the keys', () => {
  it('re-keys old items so a member sees its grants (expiry, drift), once, changing nothing else', async () => {
    // Arrange: a JIT grant and a revoked grant of account A, and a refused attempt, in the old shape.
    const key = `role/old-${newTestId()}`;
    const jit = inAccount(A, key, { status: 'approved', version: 2, expiresAt: '2026-02-01T00:00:00.000Z' });
    const revoked = inAccount(A, key, { status: 'revoked', version: 3 });
    for (const d of [jit, revoked]) await putOldShape(d);
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.decisions,
        Item: {
          pk: `DECISION#${jit.id}`,
          sk: 'ATTEMPT#2026-01-20T00:00:00.000Z#0000',
          entity: 'denied-attempt',
          gsi1pk: 'ATTEMPT#denied',
          gsi1sk: `2026-01-20T00:00:00.000Z#${jit.id}`,
          decisionId: jit.id,
          at: '2026-01-20T00:00:00.000Z',
          actor: 'arn:aws:iam::999999999999:role/x',
          action: 'approve',
          code: 'SEPARATION_OF_DUTIES',
          reason: 'requester',
        },
      }),
    );
    const before = await tables.doc.send(
      new GetCommand({
        TableName: tables.names.decisions,
        Key: { pk: `DECISION#${jit.id}`, sk: 'DECISION' },
      }),
    );
    // The hazard: a member cannot see the old grant at all (it would never expire, or look like drift),
    // while governance still finds it by identity (reads cover both shapes during the transition).
    expect((await member(A).listByStatus('approved')).map((d) => d.id)).not.toContain(jit.id);
    expect(ids(await hub.listByIdentity(key, A))).toEqual(ids([jit, revoked]));

    // A pass told to stop before its first page writes nothing and says it is not complete.
    expect(await upgradeDecisionKeys(tables.doc, tables.names.decisions, { until: () => true })).toEqual({
      updated: 0,
      complete: false,
    });
    // Act
    const first = await upgradeDecisionKeys(tables.doc, tables.names.decisions);
    const second = await upgradeDecisionKeys(tables.doc, tables.names.decisions);

    // Assert: re-keyed (at least these three; other tests' items are current already), then nothing.
    expect(first.updated).toBeGreaterThanOrEqual(3);
    expect(first.complete).toBe(true);
    expect(second).toEqual({ updated: 0, complete: true });
    expect((await member(A).listByStatus('approved')).map((d) => d.id)).toContain(jit.id);
    expect(
      (await member(A).listExpiringBefore('approved', '2026-02-01T00:00:00.000Z')).map((d) => d.id),
    ).toContain(jit.id);
    expect(ids(await member(A).listByIdentity(key))).toEqual(ids([jit, revoked]));
    expect(
      (await member(A).listDeniedAttemptsSince('2026-01-01T00:00:00.000Z')).map((x) => x.decisionId),
    ).toContain(jit.id);
    const after = await tables.doc.send(
      new GetCommand({
        TableName: tables.names.decisions,
        Key: { pk: `DECISION#${jit.id}`, sk: 'DECISION' },
      }),
    );
    const { gsi3pk: _b3, ...restBefore } = before.Item ?? {};
    const { gsi3pk: _a3, gsi5pk, gsi5sk, ...restAfter } = after.Item ?? {};
    expect(restAfter).toEqual(restBefore);
    expect({ gsi3pk: after.Item?.gsi3pk, gsi5pk, gsi5sk }).toEqual({
      gsi3pk: decisionIndexKeys(jit).gsi3pk,
      gsi5pk: `ACCOUNT#${A}`,
      gsi5sk: decisionIndexKeys(jit).gsi5sk,
    });
    // No old-shape partition holds an account's decision any more.
    const old = await tables.doc.send(
      new QueryCommand({
        TableName: tables.names.decisions,
        IndexName: INDEX.decisionsByIdentity,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': `IDENTITY#${key}` },
      }),
    );
    expect(old.Items ?? []).toEqual([]);
  });

  it('leaves a decision that changed meanwhile to its writer (conditional on its version)', async () => {
    // Arrange: an old-shape item whose version moves on between the upgrade's read and its write.
    const key = `role/race-${newTestId()}`;
    const grant = inAccount(A, key, { status: 'approved', version: 2 });
    await putOldShape(grant);
    // The same client, but governance writes version 3 just before the upgrade's PutItem lands.
    const racingClient = Object.create(tables.doc, {
      send: {
        value: async (command: PutCommand | QueryCommand) => {
          if (command instanceof PutCommand && command.input.Item?.id === grant.id)
            await hub.update({ ...grant, version: 3, updatedAt: '2026-01-11T00:00:00.000Z' }, 2);
          return tables.doc.send(command as never);
        },
      },
    });
    // Act
    await upgradeDecisionKeys(racingClient, tables.names.decisions);
    // Assert: the newer version stands, with its own (current) keys.
    const stored = await hub.get(grant.id, { consistent: true });
    expect(stored?.version).toBe(3);
    expect(ids(await member(A).listByIdentity(key))).toEqual([grant.id]);
  });

  it('runs once per table through the version marker (the operator script and local mode)', async () => {
    // Arrange: an old-shape grant.
    const key = `role/marker-${newTestId()}`;
    const grant = inAccount(A, key, { status: 'approved', version: 2 });
    await putOldShape(grant);
    const once = () =>
      upgradeKeysOnce(tables.doc, {
        tableName: tables.names.decisions,
        tableId: 'decisions',
        version: DECISION_KEYS_VERSION,
        pass: (options) => upgradeDecisionKeys(tables.doc, tables.names.decisions, options),
      });
    // Act
    const first = await once();
    const second = await once();
    // Assert: re-keyed, marked; the second run reads the marker only. The marker is in no index.
    expect(first).toMatchObject({ state: 'ran', complete: true });
    expect(first.updated).toBeGreaterThanOrEqual(1);
    expect(second).toEqual({ state: 'current', updated: 0, complete: true });
    expect(ids(await member(A).listByIdentity(key))).toEqual([grant.id]);
    expect((await member(A).listByStatus('approved')).some((d) => d.id === grant.id)).toBe(true);
  });
});
