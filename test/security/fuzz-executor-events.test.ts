import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { Id } from '../../lib/domain/primitives.js';
import { decisionEvent, type Harness, harness, lambdaContext } from '../integration/provisioning/harness.js';
import { snapshotTables, tableChanges } from '../support/table-snapshot.js';
import { anyHostileValue, FUZZ_RUNS, FUZZ_TIMEOUT_MS, PROTO_OBJECT } from './support/hostile.js';
import { probeWrite, type WriteWatch, watchWrites } from './support/write-watch.js';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('../integration/provisioning/env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const provisionFn = await import('../../functions/provision/handler.js');
const rotateFn = await import('../../functions/rotate/handler.js');

const GENUINE = {
  id: '01JH0Z8Q3M4XK2V7T9B6C5D4E3',
  version: 2,
  kind: 'grant' as const,
  identityKey: 'role/payments-batch',
};

/** Broken decision events: every envelope and detail field of the wrong type, shape or size. */
const brokenDecisionEvent: fc.Arbitrary<{ how: string; event: unknown }> = fc.oneof(
  fc
    .constantFrom<[string, unknown]>(
      ['decisionId', 'short'],
      ['decisionId', 'd'.repeat(65)],
      ['decisionId', 'x'.repeat(100_000)],
      ['decisionId', 42],
      ['version', '0'],
      ['version', '-1'],
      ['version', '1.5'],
      ['version', 'one'],
      ['version', '1e400'],
      ['version', null],
      ['kind', 'GRANT'],
      ['kind', 'admin'],
      ['status', 'APPROVED'],
      ['status', 'pending'],
      ['identityKey', ''],
      ['identityKey', 'role/'],
      ['identityKey', `role/${'r'.repeat(65)}`],
      ['identityKey', `role/${'r'.repeat(100_000)}`],
      ['identityKey', 'group/admins'],
      ['identityKey', 'role/../user/root'],
      ['schemaVersion', '2'],
      ['schemaVersion', 1],
    )
    .map(([key, value]) => ({
      how: `detail.${key} = ${JSON.stringify(value)?.slice(0, 30)}`,
      event: decisionEvent(GENUINE, 'DecisionApproved', { [key]: value }),
    })),
  fc
    .constantFrom<[string, unknown]>(
      ['source', 'nhi-gov.evil'],
      ['source', 'NHI-GOV'],
      ['source', 'aws.events'],
      ['detail-type', 'DecisionPending'],
      ['detail-type', 'decisionapproved'],
      ['detail-type', 'AccessRequested'],
      ['detail', null],
      ['detail', 'approved'],
      ['detail', []],
      ['detail', PROTO_OBJECT],
      ['id', 42],
      ['time', 'yesterday'],
      ['account', 7],
    )
    .map(([key, value]) => ({
      how: `${key} = ${JSON.stringify(value)?.slice(0, 30)}`,
      event: { ...decisionEvent(GENUINE), [key]: value },
    })),
  // `version` is coerced (a number or a numeric string arrives from the pipe), so a random value may be
  // a valid one: it has its own cases above.
  fc
    .tuple(anyHostileValue, fc.constantFrom('decisionId', 'kind', 'status', 'identityKey'))
    // A hostile word can be a well-formed decision id ("prototype", "constructor"): that event is
    // well-formed (a forged-event case, tested below), not malformed.
    .filter(([value, key]) => !(key === 'decisionId' && Id.safeParse(value).success))
    .map(([value, key]) => ({
      how: `detail.${key} = hostile ${JSON.stringify(value)?.slice(0, 30)}`,
      event: decisionEvent(GENUINE, 'DecisionApproved', { [key]: value }),
    })),
  anyHostileValue
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v) || !('Step' in v))
    .map((event) => ({ how: `event ${JSON.stringify(event)?.slice(0, 40)}`, event })),
);

/** Broken Secrets Manager rotation events (they carry `Step`). */
const brokenRotationEvent: fc.Arbitrary<{ how: string; event: unknown }> = fc.oneof(
  fc
    .constantFrom<Record<string, unknown>>(
      { Step: 'deleteSecret' },
      { Step: 'CreateSecret' },
      { Step: null },
      { Step: ['createSecret'] },
      { SecretId: '' },
      { SecretId: 's'.repeat(BOUNDS.secretIdLength + 1) },
      { SecretId: 42 },
      { ClientRequestToken: 'short' },
      { ClientRequestToken: 't'.repeat(65) },
      { ClientRequestToken: null },
      { RotationToken: 42 },
    )
    .map((override) => ({
      how: `rotation event ${JSON.stringify(override).slice(0, 50)}`,
      event: {
        Step: 'createSecret',
        SecretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:nhi-gov/ci-AbCdEf',
        ClientRequestToken: '0123456789abcdef0123456789abcdef',
        ...override,
      },
    })),
  fc
    .tuple(anyHostileValue, fc.constantFrom('Step', 'SecretId', 'ClientRequestToken'))
    .map(([value, key]) => ({
      how: `rotation event ${key} = hostile ${JSON.stringify(value)?.slice(0, 30)}`,
      event: {
        Step: 'createSecret',
        SecretId: 'nhi-gov/ci',
        ClientRequestToken: '0123456789abcdef0123456789abcdef',
        [key]: value,
      },
    }))
    .filter(({ event }) => {
      const e = event as Record<string, unknown>;
      // Keep only the ones that really are broken: a hostile value can happen to be a valid one.
      return !(
        typeof e.Step === 'string' &&
        ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].includes(e.Step) &&
        typeof e.SecretId === 'string' &&
        e.SecretId.length >= 1 &&
        e.SecretId.length <= BOUNDS.secretIdLength &&
        typeof e.ClientRequestToken === 'string' &&
        e.ClientRequestToken.length >= 32 &&
        e.ClientRequestToken.length <= 64
      );
    }),
);

describe("fuzz: the executors' events (functions/provision, functions/rotate)", () => {
  let h: Harness;
  let writes: WriteWatch;
  beforeAll(async () => {
    h = await harness();
    writes = await watchWrites(probeWrite(h.tables.doc, h.tables.names.idempotency), () =>
      snapshotTables(h.tables.doc, h.tables.names),
    );
  });
  afterAll(() => {
    writes.stop();
    h.restore();
  });

  it(
    `provision refuses ${FUZZ_RUNS} malformed events before anything (VALIDATION_FAILED), touching no table and no IAM`,
    async () => {
      // Arrange
      const handle = provisionFn.buildHandler({ provision: h.provision(), persistenceStore: h.persistence });
      const iamCalls = () => h.iam.mock.calls().length;
      const before = iamCalls();
      await fc.assert(
        fc.asyncProperty(brokenDecisionEvent, async (c) => {
          // Act
          const error = await handle(c.event, lambdaContext()).then(
            () => undefined,
            (e: unknown) => e,
          );
          // Assert
          expect(error, c.how).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
          writes.expectNoWrites(c.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
      expect(iamCalls()).toBe(before);
    },
    FUZZ_TIMEOUT_MS,
  );

  it('provision answers a well-formed event with no decision behind it with a forged-event finding and nothing else (evidence)', async () => {
    // Arrange
    const handle = provisionFn.buildHandler({ provision: h.provision(), persistenceStore: h.persistence });
    const before = await snapshotTables(h.tables.doc, h.tables.names);
    // Act
    const outcome = await handle(decisionEvent(GENUINE), lambdaContext());
    // Assert
    expect(outcome).toMatchObject({ status: 'forged' });
    const after = await snapshotTables(h.tables.doc, h.tables.names);
    const findings = tableChanges(
      { [h.tables.names.findings]: before[h.tables.names.findings] ?? [] },
      { [h.tables.names.findings]: after[h.tables.names.findings] ?? [] },
    );
    // The finding, and the other-writes nonce written in its transaction (it retires every scan digest
    // made before: finding-store.ts put), and nothing else.
    const [nonces, added] = [
      findings.added.filter((a) => a.includes('"entity":"other-writes"')),
      findings.added.filter((a) => !a.includes('"entity":"other-writes"')),
    ];
    expect(added).toHaveLength(1);
    expect(added[0]).toContain('"type":"forged-event"');
    expect(nonces.length + findings.removedOrChanged.length).toBe(1);
    expect([...nonces, ...findings.removedOrChanged][0]).toContain('"entity":"other-writes"');
    for (const table of [h.tables.names.decisions, h.tables.names.executions])
      expect(after[table], table).toEqual(before[table]);
    await writes.rebase();
  });

  it(
    `rotate refuses ${FUZZ_RUNS} malformed rotation and decision events before anything (VALIDATION_FAILED), touching no table, secret or key`,
    async () => {
      // Arrange: use cases that must never be reached.
      const reached: string[] = [];
      const handle = rotateFn.buildHandler({
        rotation: {
          handle: async () => {
            reached.push('rotation');
            return { done: true } as never;
          },
        },
        retireKey: {
          handle: async () => {
            reached.push('key retirement');
            return { status: 'gone' } as never;
          },
        },
        onDemand: {
          admit: async () => {
            reached.push('on-demand admit');
            return { status: 'ignored' } as never;
          },
          execute: async () => {
            reached.push('on-demand execute');
            return { status: 'ignored' } as never;
          },
        },
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: h.tables.names.idempotency,
          awsSdkV3Client: h.tables.client,
        }),
      });
      await fc.assert(
        fc.asyncProperty(fc.oneof(brokenRotationEvent, brokenDecisionEvent), async (c) => {
          // Act
          const error = await handle(c.event, lambdaContext()).then(
            () => undefined,
            (e: unknown) => e,
          );
          // Assert
          expect(error, c.how).toBeInstanceOf(ValidationError);
          expect(reached, c.how).toEqual([]);
          writes.expectNoWrites(c.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
    },
    FUZZ_TIMEOUT_MS,
  );
});
