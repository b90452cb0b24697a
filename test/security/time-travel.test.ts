import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHandler, type ScanHandlerDeps } from '../../functions/scan/handler.js';
import { documentClient, localDynamoClient } from '../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../lib/adapters/dynamodb/scan-log.js';
import { EventBridgeRevokeRequester } from '../../lib/adapters/eventbridge/revoke-requester.js';
import { LiveIamDirectory } from '../../lib/adapters/iam-inventory/live-inventory.js';
import { toCredentialReportCsv, toGaadJson } from '../../lib/adapters/snapshot/write-snapshot.js';
import { fixedClock } from '../../lib/adapters/system.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { localTableNames } from '../../lib/config/tables.js';
import type { Decision } from '../../lib/domain/decision.js';
import { assertNotInFuture, CLOCK_SKEW_MS } from '../../lib/domain/scanning/scan-time.js';
import { aDecision, BOB } from '../support/builders.js';
import { localCliEnv, runCli } from '../support/cli.js';
import { createTestTables } from '../support/dynamo.js';
import { ACCOUNT, anInventory, aRole, installFakeIamAccount } from '../support/fakes/iam-read.js';
import { allTableItems } from '../support/table-items.js';

// handler.ts builds its Lambda dependencies at import, as it does on a cold start: give it an environment.
// The policy as deployed functions read it: JSON, written from the YAML file at synth time.
await vi.hoisted(async () => {
  const { defaultPolicyJsonFile } = await import('../support/policy.js');
  Object.assign(process.env, {
    DECISIONS_TABLE_NAME: 'unused-decisions',
    EXECUTIONS_TABLE_NAME: 'unused-executions',
    FINDINGS_TABLE_NAME: 'unused-findings',
    EVENT_BUS_NAME: 'unused-bus',
    POLICY_FILE: defaultPolicyJsonFile(),
    AWS_REGION: 'us-east-1',
  });
});

const NOW = new Date('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FIRST_SCAN = new Date(NOW.getTime() - HOUR);

/** A grant in force until two days from now: a scan dated after that would file its revoke. */
function grantInForce(): Decision {
  const at = new Date(NOW.getTime() - 5 * DAY).toISOString();
  return aDecision({
    status: 'approved',
    version: 2,
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    expiresAt: new Date(NOW.getTime() + 2 * DAY).toISOString(),
    approvals: [{ approver: BOB, at, basis: 'tier low' }],
  });
}

/** `--as-of` spellings of one instant: UTC `Z`, an offset, or (when it is midnight-safe) a day. */
const asOfText = (at: Date, style: 'z' | 'offset' | 'day') => {
  if (style === 'z') return at.toISOString();
  if (style === 'day') return at.toISOString().slice(0, 10);
  return new Date(at.getTime() + 2 * HOUR).toISOString().replace(/Z$/, '+02:00');
};

describe('time travel through the local CLI (scan --as-of)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-time-travel-'));
  const env = localCliEnv('time-travel');
  const client = localDynamoClient(env.NHI_GOV_DYNAMODB_ENDPOINT);
  const names = localTableNames(env.NHI_GOV_TABLE_PREFIX);
  const decisions = new DynamoDecisionStore(documentClient(client), names.decisions);
  const snapshot = ['--gaad', 'gaad.json', '--credential-report', 'report.csv'];
  const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: NOW });
  let grant: Decision;

  beforeAll(async () => {
    const inventory = anInventory({
      roles: [aRole('payments-batch'), aRole('old', { path: '/', createdAt: '2025-01-01T00:00:00Z' })],
    });
    writeFileSync(join(dir, 'gaad.json'), toGaadJson(inventory, 'space'));
    writeFileSync(join(dir, 'report.csv'), toCredentialReportCsv(inventory, { style: 'iso-t' }));
    await ensureTables(client, names);
    grant = grantInForce();
    await decisions.create(grant);
    const first = await cli('scan', ...snapshot, '--as-of', FIRST_SCAN.toISOString());
    expect(first.code, first.stderr).toBe(0);
  });

  afterAll(() => {
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an --as-of beyond the clock skew with exit 2 naming --as-of, and writes nothing', async () => {
    // Arrange
    const before = await allTableItems(client, names);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: CLOCK_SKEW_MS + 1, max: 3650 * DAY }),
        fc.constantFrom('z' as const, 'offset' as const, 'day' as const),
        async (ahead, style) => {
          // A day means its midnight: only spell it as a day when that midnight is still in the future.
          const at = new Date(NOW.getTime() + ahead);
          const usable =
            style !== 'day' ||
            Date.parse(`${at.toISOString().slice(0, 10)}T00:00:00Z`) - NOW.getTime() > CLOCK_SKEW_MS;
          const text = asOfText(at, usable ? style : 'z');

          // Act
          const result = await cli('scan', ...snapshot, '--as-of', text, '--format', 'json');

          // Assert
          expect(result.code, text).toBe(2);
          expect(result.stderr).toMatch(
            /^nhi-gov: --as-of \S+ is in the future \(now is 2026-03-10T12:00:00\.000Z/,
          );
          expect(result.stdout).toBe('');
        },
      ),
      { numRuns: 40 },
    );
    expect(await allTableItems(client, names)).toEqual(before);
    expect(await decisions.get(grant.id)).toMatchObject({ status: 'approved', version: 2 });
  });

  it('runs a scan dated before the newest scan read-only: says so, stores nothing, files no revoke', async () => {
    // Arrange
    const before = await allTableItems(client, names);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 * 365 * DAY }), async (back) => {
        const at = new Date(FIRST_SCAN.getTime() - back);

        // Act
        const result = await cli('scan', ...snapshot, '--as-of', at.toISOString(), '--format', 'json');

        // Assert
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toContain(
          `nhi-gov: read-only: as-of ${at.toISOString()} is before the newest scan of account ${ACCOUNT} (as of ${FIRST_SCAN.toISOString()}`,
        );
        const doc = JSON.parse(result.stdout);
        expect(doc.readOnly).toContain('nothing was stored');
        expect(doc.resolved).toEqual([]);
        expect(doc.revokesRequested).toEqual([]);
      }),
      { numRuns: 6 },
    );
    expect(await allTableItems(client, names)).toEqual(before);
    expect(await decisions.get(grant.id)).toMatchObject({ status: 'approved', version: 2 });
  });

  it('accepts the newest scan again, and a later one, as ordinary scans', async () => {
    const again = await cli('scan', ...snapshot, '--as-of', FIRST_SCAN.toISOString(), '--format', 'json');
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout).readOnly).toBeNull();

    const later = await cli('scan', ...snapshot, '--format', 'json');
    expect(later.code).toBe(0);
    expect(JSON.parse(later.stdout)).toMatchObject({ asOf: NOW.toISOString(), readOnly: null });
  });
});

describe('the clock skew bound', () => {
  it('allows an as-of up to CLOCK_SKEW_MS ahead of now and refuses anything later', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3650 * DAY, max: 3650 * DAY }), (delta) => {
        const asOf = new Date(NOW.getTime() + delta);
        const check = () => assertNotInFuture(asOf, NOW, '--as-of');
        if (delta > CLOCK_SKEW_MS) expect(check).toThrow(/--as-of .* is in the future/);
        else expect(check).not.toThrow();
      }),
      { numRuns: 1000 },
    );
    expect(() => assertNotInFuture(new Date(NOW.getTime() + CLOCK_SKEW_MS), NOW, 'asOf')).not.toThrow();
    expect(() => assertNotInFuture(new Date(NOW.getTime() + CLOCK_SKEW_MS + 1), NOW, 'asOf')).toThrow();
  });
});

describe('time travel through the deployed scan function (event asOf)', () => {
  const iam = mockClient(IAMClient);
  const events = mockClient(EventBridgeClient);

  async function setUp() {
    iam.reset();
    events.reset();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    installFakeIamAccount(iam, anInventory({ roles: [aRole('payments-batch')] }));
    const tables = await createTestTables();
    const findings = new DynamoFindingStore(tables.doc, tables.names.findings);
    const decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
    const grant = grantInForce();
    await decisions.create(grant);
    const deps: ScanHandlerDeps = {
      directory: new LiveIamDirectory(new IAMClient({ region: 'us-east-1' }), { sleep: async () => {} }),
      decisions,
      executions: new DynamoExecutionTrail(tables.doc, tables.names.executions),
      findings,
      metrics: findings,
      scans: new DynamoScanLog(tables.doc, tables.names.findings),
      revokes: new EventBridgeRevokeRequester(new EventBridgeClient({ region: 'us-east-1' }), 'bus'),
      policy: loadPolicyFile(),
      clock: fixedClock(NOW),
    };
    return { tables, deps, decisions, grant };
  }

  it('refuses an asOf in the future before reading IAM, and writes and puts nothing', async () => {
    // Arrange
    const { tables, deps, decisions, grant } = await setUp();
    await buildHandler(deps)({ asOf: FIRST_SCAN.toISOString() });
    iam.resetHistory();
    events.resetHistory();
    const before = await allTableItems(tables.client, tables.names);

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: CLOCK_SKEW_MS + 1, max: 3650 * DAY }), async (ahead) => {
        // Act
        const attempt = buildHandler(deps)({ asOf: new Date(NOW.getTime() + ahead).toISOString() });

        // Assert
        await expect(attempt).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
          message: expect.stringMatching(/^asOf \S+ is in the future/),
        });
      }),
      { numRuns: 30 },
    );
    expect(iam.calls()).toHaveLength(0);
    expect(events.calls()).toHaveLength(0);
    expect(await allTableItems(tables.client, tables.names)).toEqual(before);
    expect(await decisions.get(grant.id)).toMatchObject({ status: 'approved' });
  });

  it('runs an asOf before the newest scan read-only: stored false, nothing written, no event', async () => {
    // Arrange
    const { tables, deps } = await setUp();
    const newest = await buildHandler(deps)({});
    events.resetHistory();
    const before = await allTableItems(tables.client, tables.names);

    // Act
    const past = await buildHandler(deps)({ asOf: new Date(NOW.getTime() - 30 * DAY).toISOString() });

    // Assert
    expect(newest).toMatchObject({ stored: true, accountId: ACCOUNT });
    expect(past).toMatchObject({ stored: false, accountId: ACCOUNT, resolved: 0, revokesRequested: 0 });
    expect(events.calls()).toHaveLength(0);
    expect(await allTableItems(tables.client, tables.names)).toEqual(before);
  });
});

describe('DynamoScanLog', () => {
  it('keeps the newest scan of an account when an older one is recorded after it', async () => {
    // Arrange
    const tables = await createTestTables();
    const log = new DynamoScanLog(tables.doc, tables.names.findings);
    const newer = {
      accountId: ACCOUNT,
      asOf: NOW.toISOString(),
      ranAt: NOW.toISOString(),
      source: 'live' as const,
    };
    const older = {
      ...newer,
      asOf: FIRST_SCAN.toISOString(),
      ranAt: new Date(NOW.getTime() + 1000).toISOString(),
    };
    const other = { ...older, accountId: '444455556666' };

    // Act
    const recorded = [await log.recordScan(newer), await log.recordScan(older), await log.recordScan(other)];

    // Assert
    expect(recorded).toEqual([true, false, true]);
    expect(await log.latestScan(ACCOUNT)).toEqual(newer);
    expect(await log.listLatestScans()).toEqual(
      [other, newer].sort((a, b) => a.accountId.localeCompare(b.accountId)),
    );
    expect(await log.listScans(ACCOUNT, '2026-01-01T00:00:00.000Z', NOW.toISOString())).toEqual([newer]);
  });
});
