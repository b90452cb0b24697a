import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BOUNDS } from '../../lib/domain/bounds.js';
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
  process.env.TASK_REQUESTER_ARNS = 'arn:aws:iam::111122223333:role/payments-workflow';
  process.env.POWERTOOLS_DEV = 'true';
});
process.env.POLICY_FILE = defaultPolicyJsonFile();
const { buildHandler } = await import('../../functions/governance-task/handler.js');

const WORKFLOW = 'arn:aws:iam::111122223333:role/payments-workflow';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfuzz';

interface TaskCase {
  readonly how: string;
  readonly payload: unknown;
  /** The refusal code the task is failed with, or `throws` when there is no token to answer. */
  readonly expect: 'VALIDATION_FAILED' | 'FORBIDDEN' | 'throws';
  readonly names?: string;
}

const taskCases: fc.Arbitrary<TaskCase> = fc.oneof(
  hostileRequest.map((h) => ({
    how: `request: ${h.how}`,
    payload: { taskToken: TOKEN, request: h.value, requester: WORKFLOW },
    expect: 'VALIDATION_FAILED' as const,
    ...(h.field ? { names: h.field } : {}),
  })),
  fc
    .constantFrom(
      'arn:aws:iam::111122223333:role/someone-else',
      'arn:aws:iam::444455556666:role/payments-workflow',
      'arn:aws:iam::111122223333:user/payments-workflow',
      'arn:aws:sts::111122223333:assumed-role/other-role/payments-workflow',
    )
    .map((requester) => ({
      how: `requester ${requester}`,
      payload: { taskToken: TOKEN, request: VALID_REQUESTS.grant, requester },
      expect: 'FORBIDDEN' as const,
    })),
  fc
    .constantFrom('', `arn:aws:iam::111122223333:role/${'a'.repeat(BOUNDS.principalArnLength)}`)
    .map((requester) => ({
      how: `requester of length ${requester.length}`,
      payload: { taskToken: TOKEN, request: VALID_REQUESTS.grant, requester },
      expect: 'VALIDATION_FAILED' as const,
    })),
  fc
    .tuple(
      fc.constantFrom('Request', 'REQUESTER', '__proto__', 'constructor', 'approver', 'requesterArn'),
      anyHostileValue,
    )
    .map(([key, value]) => {
      const payload: Record<string, unknown> = {
        taskToken: TOKEN,
        request: VALID_REQUESTS.grant,
        requester: WORKFLOW,
      };
      Object.defineProperty(payload, key, { value, enumerable: true, writable: true, configurable: true });
      return { how: `extra key ${key}`, payload, expect: 'VALIDATION_FAILED' as const };
    }),
  fc.constantFrom('x'.repeat(1025), '😀'.repeat(600)).map((taskToken) => ({
    how: 'task token past its bound',
    payload: { taskToken, request: VALID_REQUESTS.grant, requester: WORKFLOW },
    expect: 'VALIDATION_FAILED' as const,
  })),
  fc
    .oneof(
      anyHostileValue,
      fc.constantFrom<unknown>(
        { request: VALID_REQUESTS.grant, requester: WORKFLOW },
        { taskToken: 42, request: VALID_REQUESTS.grant, requester: WORKFLOW },
        { taskToken: null, request: VALID_REQUESTS.grant, requester: WORKFLOW },
        { TaskToken: TOKEN, request: VALID_REQUESTS.grant, requester: WORKFLOW },
        PROTO_OBJECT,
      ),
    )
    .map((payload) => ({
      how: `payload ${JSON.stringify(payload)?.slice(0, 40)}`,
      payload,
      expect: 'throws' as const,
    })),
);

describe('fuzz: Step Functions payloads (functions/governance-task)', () => {
  let h: Harness;
  let handle: ReturnType<typeof buildHandler>;
  let writes: WriteWatch;
  const failed: { token: string; code: string }[] = [];
  beforeAll(async () => {
    h = await harness();
    handle = buildHandler({
      governance: h.gov,
      callback: {
        succeed: async () => 'sent' as const,
        fail: async (token: string, code: string) => {
          failed.push({ token, code });
          return 'sent' as const;
        },
      },
      requesterArns: [WORKFLOW],
    });
    writes = await watchWrites(
      async () => {
        await h.gov.submit({ request: VALID_REQUESTS.grant, requester: WORKFLOW, source: 'step-functions' });
      },
      () => snapshotTables(h.tables.doc, h.tables.names),
    );
  });
  afterAll(() => writes.stop());

  it(
    `refuses ${FUZZ_RUNS} hostile task payloads, failing the task with the refusal code, and writes nothing`,
    async () => {
      await fc.assert(
        fc.asyncProperty(taskCases, async (c) => {
          // Arrange
          failed.length = 0;
          // Act
          const outcome = await handle(c.payload).then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          );
          // Assert
          if (c.expect === 'throws') {
            expect('error' in outcome && outcome.error, c.how).toBeInstanceOf(ValidationError);
            expect(failed, c.how).toEqual([]);
          } else {
            expect('result' in outcome && outcome.result, c.how).toMatchObject({ refused: c.expect });
            expect(
              failed.map((f) => f.code),
              c.how,
            ).toEqual([c.expect]);
            if (c.names && 'result' in outcome)
              expect(JSON.stringify(outcome.result), c.how).toContain(c.names);
          }
          writes.expectNoWrites(c.how);
        }),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
    },
    FUZZ_TIMEOUT_MS,
  );
});
