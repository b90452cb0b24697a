import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { BOUNDS, structureIssues } from '../../lib/domain/bounds.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { type Harness, harness } from '../integration/governance/harness.js';
import { defaultPolicyJsonFile } from '../support/policy.js';
import { snapshotTables } from '../support/table-snapshot.js';
import {
  anyHostileValue,
  FUZZ_RUNS,
  FUZZ_TIMEOUT_MS,
  hostileRequest,
  PROTO_OBJECT,
  VALID_REQUESTS,
} from './support/hostile.js';
import { type WriteWatch, watchWrites } from './support/write-watch.js';

vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.POWERTOOLS_DEV = 'true';
});
process.env.POLICY_FILE = defaultPolicyJsonFile();
const { buildHandler } = await import('../../functions/governance-events/handler.js');

const SNOW = 'arn:aws:iam::111122223333:role/servicenow-integration';
const SOURCE = 'com.example.servicenow';
const ACCOUNT = '111122223333';

let counter = 0;
function envelope(overrides: Record<string, unknown>) {
  counter += 1;
  return {
    version: '0',
    id: `fuzz-${counter}`,
    'detail-type': 'AccessRequested',
    source: SOURCE,
    account: ACCOUNT,
    time: '2026-03-02T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { schemaVersion: '1', request: VALID_REQUESTS.grant, ticket: 'RITM0012345' },
    ...overrides,
  };
}

interface EventCase {
  readonly how: string;
  readonly event: () => unknown;
  /** `throws`: refused before anything (EventBridge retries, then the DLQ); otherwise the refusal code. */
  readonly expect: 'throws' | 'VALIDATION_FAILED' | 'NOT_FOUND' | 'POLICY_DENIED';
  /** Evidence due: one denied attempt is recorded (an untrusted ticketing source). */
  readonly evidence?: boolean;
}

const eventCases: fc.Arbitrary<EventCase> = fc.oneof(
  hostileRequest.map((h) => ({
    how: `AccessRequested request: ${h.how}`,
    event: () => envelope({ detail: { schemaVersion: '1', request: h.value, ticket: 'RITM1' } }),
    expect: 'VALIDATION_FAILED' as const,
  })),
  fc
    .oneof(
      fc.constantFrom<unknown>(
        { schemaVersion: '2', request: VALID_REQUESTS.grant, ticket: 'RITM1' },
        { schemaVersion: '1', request: VALID_REQUESTS.grant },
        { schemaVersion: '1', request: VALID_REQUESTS.grant, ticket: '' },
        { schemaVersion: '1', request: VALID_REQUESTS.grant, ticket: 't'.repeat(257) },
        { schemaVersion: '1', request: VALID_REQUESTS.grant, ticket: 42 },
        { schemaVersion: '1', request: VALID_REQUESTS.grant, ticket: 'RITM1', deep: nestedDetail() },
        PROTO_OBJECT,
      ),
      anyHostileValue,
    )
    .map((detail) => ({
      how: `AccessRequested detail ${JSON.stringify(detail)?.slice(0, 40)}`,
      event: () => envelope({ detail }),
      expect: 'VALIDATION_FAILED' as const,
    })),
  fc
    .oneof(
      fc.constantFrom<unknown>(
        {
          schemaVersion: '1',
          decisionId: 'short',
          reason: 'jit-expiry',
          requestedBy: 'system:scheduler',
          requestedAt: '2026-03-02T09:00:00Z',
        },
        {
          schemaVersion: '1',
          decisionId: 'd'.repeat(65),
          reason: 'jit-expiry',
          requestedBy: 'system:scheduler',
          requestedAt: '2026-03-02T09:00:00Z',
        },
        {
          schemaVersion: '1',
          decisionId: '01NOSUCHDECISION000000000',
          reason: 'because',
          requestedBy: 'system:scheduler',
          requestedAt: '2026-03-02T09:00:00Z',
        },
        {
          schemaVersion: '1',
          decisionId: '01NOSUCHDECISION000000000',
          reason: 'jit-expiry',
          requestedBy: `system:${'a'.repeat(100_000)}`,
          requestedAt: '2026-03-02T09:00:00Z',
        },
        {
          schemaVersion: '1',
          decisionId: '01NOSUCHDECISION000000000',
          reason: 'jit-expiry',
          requestedBy: 'user:mallory',
          requestedAt: '2026-03-02T09:00:00Z',
        },
        {
          schemaVersion: '1',
          decisionId: '01NOSUCHDECISION000000000',
          reason: 'jit-expiry',
          requestedBy: 'system:scheduler',
          requestedAt: 'yesterday',
        },
      ),
      anyHostileValue,
    )
    .map((detail) => ({
      how: `RevokeRequested detail ${JSON.stringify(detail)?.slice(0, 60)}`,
      event: () => envelope({ 'detail-type': 'RevokeRequested', source: 'nhi-gov', detail }),
      expect: 'VALIDATION_FAILED' as const,
    })),
  fc.constant({
    how: 'RevokeRequested for a decision that does not exist',
    event: () =>
      envelope({
        'detail-type': 'RevokeRequested',
        source: 'nhi-gov',
        detail: {
          schemaVersion: '1',
          decisionId: '01NOSUCHDECISION000000000',
          reason: 'jit-expiry',
          requestedBy: 'system:scheduler',
          requestedAt: '2026-03-02T09:00:00Z',
        },
      }),
    expect: 'NOT_FOUND' as const,
  }),
  fc
    .tuple(
      fc.constantFrom(
        'com.example.jira',
        'COM.EXAMPLE.SERVICENOW',
        'com.example.servicenow ',
        'nhi-gov',
        'aws.events',
      ),
      fc.constantFrom(ACCOUNT, '444455556666'),
    )
    .map(([source, account]) => ({
      how: `AccessRequested from untrusted ${source}@${account}`,
      event: () => envelope({ source, account }),
      expect: 'POLICY_DENIED' as const,
      evidence: true,
    })),
  fc
    .constantFrom<[string, unknown]>(
      ['source', 's'.repeat(BOUNDS.eventSourceLength + 1)],
      ['source', 42],
      ['source', ''],
      ['account', '1234'],
      ['account', 'a'.repeat(100_000)],
      ['detail-type', 'd'.repeat(BOUNDS.eventDetailTypeLength + 1)],
      ['detail-type', null],
      ['id', ''],
      ['id', 'i'.repeat(BOUNDS.idempotencyKeyLength + 1)],
    )
    .map(([key, value]) => ({
      how: `envelope ${key} = ${JSON.stringify(value)?.slice(0, 30)}`,
      event: () => envelope({ [key]: value }),
      expect: 'throws' as const,
    })),
  anyHostileValue
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v) || !('id' in v))
    .map((value) => ({
      how: `event ${JSON.stringify(value)?.slice(0, 40)}`,
      event: () => value,
      expect: 'throws' as const,
    })),
);

function nestedDetail(): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < 50; i++) v = { v };
  return v;
}

describe('fuzz: EventBridge events (functions/governance-events)', () => {
  let h: Harness;
  let handle: ReturnType<typeof buildHandler>;
  let writes: WriteWatch;
  beforeAll(async () => {
    const base = loadPolicyFile();
    h = await harness({
      ...base,
      document: { ...base.document, ticketing: [{ source: SOURCE, account: ACCOUNT, principal: SNOW }] },
    });
    handle = buildHandler({ governance: h.gov });
    writes = await watchWrites(
      async () => {
        await h.gov.submit({ request: VALID_REQUESTS.grant, requester: SNOW, source: 'eventbridge' });
      },
      () => snapshotTables(h.tables.doc, h.tables.names),
    );
  });
  afterAll(() => writes.stop());

  it(
    `refuses ${FUZZ_RUNS} hostile events with the refusal code, writing nothing but the denied attempt the design asks for`,
    async () => {
      let deniedAttempts = 0;
      await fc.assert(
        fc.asyncProperty(eventCases, async (c) => {
          // Arrange: an event with own __proto__ keys or nested deeper than DynamoDB can store is
          // refused before anything, as a malformed envelope is.
          const event = c.event();
          const expected = structureIssues(event).length > 0 ? 'throws' : c.expect;
          // Act
          const outcome = await handle(event).then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          );
          // Assert
          if (expected === 'throws')
            expect('error' in outcome && outcome.error, c.how).toBeInstanceOf(ValidationError);
          else expect('result' in outcome && outcome.result, c.how).toMatchObject({ refused: expected });
          if (c.evidence) {
            // Evidence: exactly one denied attempt naming the refusal, put only if new, and nothing else.
            const sent = writes.take();
            expect(
              sent.map((w) => w.operation),
              c.how,
            ).toEqual(['PutItem']);
            const put = JSON.parse(sent[0]?.body ?? '{}');
            expect(put.Item?.entity, c.how).toEqual({ S: 'denied-attempt' });
            expect(put.Item?.code, c.how).toEqual({ S: 'POLICY_DENIED' });
            expect(put.ConditionExpression, c.how).toContain('attribute_not_exists');
            deniedAttempts++;
          } else writes.expectNoWrites(c.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      // Whole tables once: the denied attempts were added, one per untrusted event, and nothing else
      // was added, changed or removed.
      const { added, removedOrChanged } = await writes.changes();
      expect(removedOrChanged.map((t) => t.slice(0, 300))).toEqual([]);
      expect(added).toHaveLength(deniedAttempts);
      for (const item of added) {
        expect(item).toContain('"entity":"denied-attempt"');
        expect(item).toContain('"code":"POLICY_DENIED"');
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});
