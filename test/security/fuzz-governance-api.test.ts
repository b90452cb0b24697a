import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { type Harness, harness } from '../integration/governance/harness.js';
import { defaultPolicyJsonFile } from '../support/policy.js';
import { snapshotTables } from '../support/table-snapshot.js';
import {
  anyHostileValue,
  FUZZ_RUNS,
  FUZZ_TIMEOUT_MS,
  hostileRequest,
  PROTO_OBJECT,
  REQUESTER,
  VALID_REQUESTS,
} from './support/hostile.js';
import { type WriteWatch, watchWrites } from './support/write-watch.js';

// The module-scope handler is built from the environment when the file is imported.
vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.POWERTOOLS_DEV = 'true';
});
process.env.POLICY_FILE = defaultPolicyJsonFile();
const { buildHandler } = await import('../../functions/governance-api/handler.js');

const APPROVER = 'arn:aws:iam::111122223333:role/security-approver-bob';

interface ApiCase {
  readonly how: string;
  readonly method: string;
  readonly path: string;
  readonly caller?: string;
  readonly body?: string;
  readonly base64?: boolean;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly error: string;
  /** Text the error message must contain (the field the refusal names). */
  readonly names?: string;
}

function event(c: ApiCase): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: c.path,
    rawQueryString: '',
    headers: c.headers ?? {},
    requestContext: {
      http: { method: c.method, path: c.path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'fuzz' },
      ...(c.caller === undefined
        ? {}
        : { authorizer: { iam: { userArn: c.caller, accountId: '111122223333' } } }),
    },
    ...(c.body === undefined ? {} : { body: c.body }),
    isBase64Encoded: c.base64 ?? false,
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

/** Caller ARNs that are no IAM principal: garbage, wrong partitions/accounts, past the bound. */
const badCaller = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.startsWith('arn:')),
  fc.constantFrom(
    'arn:aws:iam::12345:role/x',
    'arn:aws:s3:::bucket',
    'arn:aws:iam::111122223333:',
    'arn:aws:iam::111122223333:role/x y',
    `arn:aws:iam::111122223333:role/${'a'.repeat(BOUNDS.principalArnLength)}`,
    'ARN:AWS:IAM::111122223333:ROLE/X',
    `arn:aws:iam::111122223333:role/\u0000`,
  ),
);

function apiCases(decisionId: string): fc.Arbitrary<ApiCase> {
  return fc.oneof(
    hostileRequest.map((h) => ({
      how: `POST /requests: ${h.how}`,
      method: 'POST',
      path: '/requests',
      caller: REQUESTER,
      body: JSON.stringify(h.value),
      status: 400,
      error: 'VALIDATION_FAILED',
      ...(h.field ? { names: h.field } : {}),
    })),
    hostileRequest
      // POST /exceptions implies the kind (lib/domain/governance/exceptions.ts): an exception request
      // without `kind` is a valid one, not a hostile one.
      .filter(
        (h) =>
          !(
            h.how === 'missing kind' &&
            typeof h.value === 'object' &&
            h.value !== null &&
            'riskAcceptance' in h.value
          ),
      )
      .map((h) => ({
        how: `POST /exceptions: ${h.how}`,
        method: 'POST',
        path: '/exceptions',
        caller: REQUESTER,
        body: JSON.stringify(h.value),
        status: 400,
        error: 'VALIDATION_FAILED',
      })),
    fc.constantFrom('approve', 'reject', 'cancel', 'revoke').chain((action) =>
      fc
        .oneof(
          fc.constantFrom(
            JSON.stringify({ note: 'n'.repeat(BOUNDS.noteLength + 1) }),
            JSON.stringify({ note: '😀'.repeat(BOUNDS.noteLength + 1) }),
            JSON.stringify({ note: 'bad \uD800 text' }),
            JSON.stringify({ note: '   ' }),
            JSON.stringify({ approver: APPROVER }),
            JSON.stringify({ Note: 'other case' }),
            JSON.stringify(PROTO_OBJECT),
            '{"note": "x",}',
            'not json',
          ),
          // Anything but a string: a string note may be valid.
          anyHostileValue.filter((v) => typeof v !== 'string').map((v) => JSON.stringify({ note: v })),
        )
        .map((body) => ({
          how: `POST /decisions/<id>/${action} with ${body.slice(0, 40)}`,
          method: 'POST',
          path: `/decisions/${decisionId}/${action}`,
          caller: APPROVER,
          body,
          status: 400,
          error: 'VALIDATION_FAILED',
        })),
    ),
    fc
      .tuple(
        badCaller,
        fc.constantFrom('/requests', `/decisions/${decisionId}/approve`, '/exceptions', '/campaigns'),
      )
      .map(([caller, path]) => ({
        how: `caller ${caller.slice(0, 40)} on ${path}`,
        method: 'POST',
        path,
        caller,
        body: JSON.stringify(
          path === '/requests'
            ? VALID_REQUESTS.grant
            : path === '/exceptions'
              ? VALID_REQUESTS.exception
              : path === '/campaigns'
                ? { name: 'q1' }
                : {},
        ),
        status: 400,
        error: 'VALIDATION_FAILED',
      })),
    fc.constantFrom('/requests', `/decisions/${decisionId}/approve`).map((path) => ({
      how: `no authenticated caller on ${path}`,
      method: 'POST',
      path,
      body: JSON.stringify(VALID_REQUESTS.grant),
      status: 403,
      error: 'UNAUTHENTICATED',
    })),
    fc
      .oneof(
        fc.constantFrom(
          `/decisions/${'a'.repeat(65)}/approve`,
          `/decisions/${decisionId}/APPROVE`,
          `/decisions/${decisionId}/approve/`,
          `/decisions/../requests`,
          '/Requests',
          '/requests/',
          `/decisions/${decisionId}%2fapprove`,
          '/__proto__',
          '/constructor',
        ),
        fc
          .string({ maxLength: 40 })
          .map((s) => `/${s}`)
          .filter(
            (p) =>
              !/^\/(requests|exceptions|campaigns)$/.test(p) &&
              !p.startsWith('/decisions/') &&
              !p.startsWith('/campaigns/'),
          ),
      )
      .map((path) => ({
        how: `no such route ${path}`,
        method: 'POST',
        path,
        caller: APPROVER,
        body: '{}',
        status: 404,
        error: 'NOT_FOUND',
      })),
    fc.constantFrom('PUT', 'DELETE', 'PATCH', 'get', 'TRACE').map((method) => ({
      how: `method ${method}`,
      method,
      path: '/requests',
      caller: REQUESTER,
      body: JSON.stringify(VALID_REQUESTS.grant),
      status: method === 'get' ? 404 : 404,
      error: 'NOT_FOUND',
    })),
    fc.constantFrom('k'.repeat(BOUNDS.idempotencyKeyLength + 1), '😀'.repeat(2000)).map((key) => ({
      how: 'idempotency key past its bound',
      method: 'POST',
      path: '/requests',
      caller: REQUESTER,
      body: JSON.stringify(VALID_REQUESTS.grant),
      headers: { 'idempotency-key': key },
      status: 400,
      error: 'VALIDATION_FAILED',
      names: 'idempotency',
    })),
    fc
      .constantFrom(
        '!!!not base64',
        Buffer.from('{"kind":').toString('base64'),
        Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
      )
      .map((body) => ({
        how: `base64 body ${body}`,
        method: 'POST',
        path: '/requests',
        caller: REQUESTER,
        body,
        base64: true,
        status: 400,
        error: 'VALIDATION_FAILED',
      })),
    fc
      .oneof(
        fc.constantFrom<unknown>(
          { name: '' },
          { name: 'n'.repeat(BOUNDS.campaignNameLength + 1) },
          { name: 'q1', dueDays: 1e-300 },
          { name: 'q1', dueDays: 1e300 },
          { name: 'q1', scope: { pathPrefix: 'no-slash' } },
          { name: 'q1', scope: { pathPrefix: `/${'p'.repeat(600)}/` } },
          {
            name: 'q1',
            scope: {
              identities: Array.from({ length: BOUNDS.campaignIdentities + 1 }, (_, i) => `role/r${i}`),
            },
          },
          { name: 'q1', scope: { identities: ['r'.repeat(BOUNDS.campaignPatternLength + 1)] } },
          { name: 'q1', Scope: {} },
          PROTO_OBJECT,
        ),
        anyHostileValue.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      )
      .map((body) => ({
        how: `POST /campaigns ${JSON.stringify(body)?.slice(0, 40)}`,
        method: 'POST',
        path: '/campaigns',
        caller: APPROVER,
        body: JSON.stringify(body),
        status: 400,
        error: 'VALIDATION_FAILED',
      })),
  );
}

describe('fuzz: governance HTTP API events (functions/governance-api)', () => {
  let h: Harness;
  let handle: ReturnType<typeof buildHandler>;
  let decisionId: string;
  let writes: WriteWatch;
  const logged: unknown[] = [];
  beforeAll(async () => {
    h = await harness();
    handle = buildHandler({ governance: h.gov, logError: (_m, e) => logged.push(e) });
    writes = await watchWrites(
      async () => {
        decisionId = (
          await h.gov.submit({ request: VALID_REQUESTS.grant, requester: REQUESTER, source: 'api' })
        ).id;
      },
      () => snapshotTables(h.tables.doc, h.tables.names),
    );
  });
  afterAll(() => writes.stop());

  it(
    `refuses ${FUZZ_RUNS} hostile HTTP events with the documented status and code, and writes nothing`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constant(null).chain(() => apiCases(decisionId)),
          async (c) => {
            // Act
            const res = await handle(event(c));
            // Assert
            const body = JSON.parse(res.body ?? 'null');
            expect(
              { status: res.statusCode, error: body.error },
              `${c.how}: ${body.message?.slice(0, 300)}`,
            ).toEqual({
              status: c.status,
              error: c.error,
            });
            if (c.names) expect(body.message, c.how).toContain(c.names);
            writes.expectNoWrites(c.how);
          },
        ),
        { numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      await writes.expectTablesUnchanged();
      // No refusal was an internal error.
      expect(logged).toEqual([]);
    },
    FUZZ_TIMEOUT_MS,
  );
});
