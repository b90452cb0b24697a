import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../../lib/adapters/dynamodb/client.js';
import { createTableInput } from '../../../../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../../../../lib/adapters/dynamodb/decision-store.js';
import { hubReportSources } from '../../../../lib/adapters/dynamodb/hub-report-sources.js';
import { ORG_EVENTS_TABLE, orgEventKey, SCAN_LOG_PARTITION } from '../../../../lib/config/organization.js';
import { DEFAULT_POLICY_PATH } from '../../../../lib/config/policy-file.js';
import { readPolicyFileText } from '../../../../lib/config/policy-source.js';
import type { TableDefinition } from '../../../../lib/config/tables.js';
import type { FindingsReport } from '../../../../lib/domain/reports/findings/build.js';
import { type OrganizationReport, organizationReport } from '../../../../lib/domain/reports/organization.js';
import { aDecision } from '../../../support/builders.js';
import { runCli } from '../../../support/cli.js';
import { createTestTables, type TestTables } from '../../../support/dynamo.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const [FRESH, LATE, SILENT, GARBLED] = ['310000000001', '310000000002', '310000000003', '310000000004'];
const units = { 'ou-prod': [FRESH, LATE], 'ou-dev': [SILENT, GARBLED] };
const window = { since: hoursAgo(24 * 30), until: NOW.toISOString() };

let t: TestTables;
let orgEvents: string;
let dir: string;
let serial = 0;

/**
 * What the hub's ingest state machine writes for one member event (infra/constructs/cross-account.ts,
 * OrgEventsIngest): the heartbeat in the scan log's shape, anything else one append-only item keyed by
 * the envelope's account; a redelivery (same event id) fails its condition and is done.
 */
async function ingest(
  account: string,
  detailType: string,
  time: string,
  detail: object,
  eventId = `ev-${++serial}`,
) {
  const put =
    detailType === 'ScanCompleted'
      ? new PutCommand({
          TableName: orgEvents,
          Item: {
            pk: SCAN_LOG_PARTITION,
            sk: `ACCOUNT#${account}`,
            entity: 'scan',
            accountId: account,
            asOf: (detail as { asOf: string }).asOf,
            ranAt: (detail as { ranAt: string }).ranAt,
            source: 'live',
          },
          ConditionExpression: 'attribute_not_exists(pk) OR asOf <= :asOf',
          ExpressionAttributeValues: { ':asOf': (detail as { asOf: string }).asOf },
        })
      : new PutCommand({
          TableName: orgEvents,
          Item: {
            ...orgEventKey(account, time, detailType, eventId),
            account,
            detailType,
            time,
            eventId,
            detail: JSON.stringify(detail),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        });
  try {
    await t.doc.send(put);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  return eventId;
}

const finding = (findingId: string, status: 'open' | 'resolved', at: string, severity = 'high') => ({
  schemaVersion: '1',
  findingId,
  type: 'stale-role',
  severity,
  status,
  identityKey: `role/${findingId}`,
  at,
});

beforeAll(async () => {
  t = await createTestTables();
  orgEvents = t.names.decisions.replace(/decisions$/, 'org-events');
  await t.client.send(
    new CreateTableCommand(createTableInput(ORG_EVENTS_TABLE as unknown as TableDefinition, orgEvents)),
  );
  dir = mkdtempSync(join(tmpdir(), 'nhi-gov-hub-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    `${readPolicyFileText(DEFAULT_POLICY_PATH)}\norganization:\n  units:\n${Object.entries(units)
      .map(([u, as]) => `    ${u}: [${as.map((a) => `"${a}"`).join(', ')}]`)
      .join('\n')}\n`,
  );

  // FRESH: f1 open (its event delivered twice), f2 opened then resolved, then a late copy of the
  // opening; one grant provisioned 30 minutes after its hub decision; scanned 2 h ago.
  const opened = await ingest(FRESH, 'FindingOpened', hoursAgo(47), finding('f1', 'open', hoursAgo(48)));
  await ingest(FRESH, 'FindingOpened', hoursAgo(47), finding('f1', 'open', hoursAgo(48)), opened);
  await ingest(FRESH, 'FindingOpened', hoursAgo(47), finding('f2', 'open', hoursAgo(48), 'low'));
  await ingest(FRESH, 'FindingResolved', hoursAgo(23), finding('f2', 'resolved', hoursAgo(24), 'low'));
  await ingest(FRESH, 'FindingOpened', hoursAgo(1), finding('f2', 'open', hoursAgo(48), 'low'));
  const decisions = new DynamoDecisionStore(t.doc, t.names.decisions);
  await decisions.create(
    aDecision({
      id: `${FRESH}-grant0001`,
      accountId: FRESH,
      status: 'approved',
      version: 2,
      decidedAt: hoursAgo(5),
    }),
  );
  for (const copy of ['a', 'b'])
    await ingest(FRESH, 'AccessProvisioned', hoursAgo(copy === 'a' ? 4.5 : 3), {
      schemaVersion: '1',
      decisionId: `${FRESH}-grant0001`,
      version: '2',
      kind: 'grant',
      identityKey: 'role/payments-batch',
      status: 'succeeded',
      finishedAt: hoursAgo(4.5),
    });
  await ingest(FRESH, 'ScanCompleted', hoursAgo(2), {
    accountId: FRESH,
    asOf: hoursAgo(2),
    ranAt: hoursAgo(2),
  });
  // LATE: one open finding, a pending decision, last scan three days ago (an older heartbeat after it changes nothing)
  await ingest(LATE, 'FindingOpened', hoursAgo(80), finding('f3', 'open', hoursAgo(80), 'critical'));
  await ingest(LATE, 'ScanCompleted', hoursAgo(72), {
    accountId: LATE,
    asOf: hoursAgo(72),
    ranAt: hoursAgo(72),
  });
  await ingest(LATE, 'ScanCompleted', hoursAgo(1), {
    accountId: LATE,
    asOf: hoursAgo(96),
    ranAt: hoursAgo(1),
  });
  await decisions.create(aDecision({ id: `${LATE}-pend00001`, accountId: LATE, status: 'pending' }));
  // GARBLED: a heartbeat whose date does not parse, and a finding event of the wrong shape
  await ingest(GARBLED, 'ScanCompleted', hoursAgo(1), {
    accountId: GARBLED,
    asOf: 'yesterday',
    ranAt: 'now',
  });
  await ingest(GARBLED, 'FindingOpened', hoursAgo(1), { findingId: 'f9', severity: 'apocalyptic' });
  // SILENT never reported.
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the organization report over the hub’s tables (DynamoDB Local)', () => {
  it('derives findings and outcomes from the org events, names the stale accounts and reads each partition once', async () => {
    // Arrange: count the reads of the org-events table
    const reads: string[] = [];
    t.client.middlewareStack.add(
      (next) => async (args) => {
        const input = (args as { input: { TableName?: string; KeyConditionExpression?: string } }).input;
        if (input.TableName === orgEvents) reads.push(String(input.KeyConditionExpression));
        return next(args);
      },
      { step: 'initialize', name: 'countOrgEventReads' },
    );
    const sources = hubReportSources(
      t.doc,
      { decisions: t.names.decisions, orgEvents },
      { accounts: Object.values(units).flat() },
    );

    // Act
    const report = await organizationReport(
      sources,
      { units, scanIntervalHours: 24, expiringWithinDays: 14, window },
      { now: NOW },
    );
    t.client.middlewareStack.remove('countOrgEventReads');

    // Assert
    const row = (a: string) => report.accounts.find((r) => r.accountId === a);
    expect(report.accounts.map((r) => r.accountId)).toEqual([FRESH, LATE, SILENT, GARBLED].sort());
    expect(row(FRESH)).toMatchObject({ openFindings: 1, provisioned: 1, stale: false, units: ['ou-prod'] });
    expect(row(FRESH)?.provisioningMedianMs).toBe(30 * 60_000);
    expect(row(LATE)).toMatchObject({
      openFindings: 1,
      pendingDecisions: 1,
      stale: true,
      lastScanAsOf: hoursAgo(72),
    });
    expect(row(SILENT)).toMatchObject({ stale: true, staleReason: 'never scanned' });
    expect(row(GARBLED)).toMatchObject({ stale: true, openFindings: 0 });
    expect(report.stale).toEqual([LATE, SILENT, GARBLED].sort());
    expect(report.totals).toMatchObject({
      accounts: 4,
      openFindings: 2,
      staleAccounts: 3,
      pendingDecisions: 1,
    });
    expect(report.totals.bySeverity).toMatchObject({ critical: 1, high: 1, low: 0 });
    // One query of the heartbeats, one of each account's partition, however many ports asked.
    expect(reads.filter((r) => r.startsWith('pk = :pk AND begins_with'))).toHaveLength(1);
    expect(reads.filter((r) => r === 'pk = :pk')).toHaveLength(4);
  });
});

describe('nhi-gov report --hub', () => {
  const hub = () => [
    '--hub',
    '--region',
    'us-east-1',
    '--endpoint-url',
    t.endpoint,
    '--decisions-table',
    t.names.decisions,
    '--org-events-table',
    orgEvents,
    '--policy',
    join(dir, 'policy.yaml'),
  ];
  const cli = (...argv: string[]) => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
    return runCli(argv, { env: {}, cwd: dir, now: NOW });
  };
  afterAll(() => vi.unstubAllEnvs());

  it('answers the org-wide report and the per-account reports from the hub, by unit and account', async () => {
    // Act
    const org = await cli('report', 'organization', ...hub(), '--ou', 'ou-prod', '--format', 'json');
    const findings = await cli('report', 'findings', ...hub(), '--format', 'json');
    const prod = await cli(
      'report',
      'findings',
      ...hub(),
      '--ou',
      'ou-prod',
      '--account',
      LATE,
      '--format',
      'json',
    );
    const provisioning = await cli(
      'report',
      'provisioning',
      ...hub(),
      '--account',
      FRESH,
      '--format',
      'json',
    );
    // Assert
    expect(org.code, org.stderr).toBe(0);
    const report = JSON.parse(org.stdout) as OrganizationReport;
    expect(report.accounts.map((r) => r.accountId)).toEqual([FRESH, LATE]);
    expect(report.stale).toEqual([LATE]);
    expect(findings.code, findings.stderr).toBe(0);
    expect((JSON.parse(findings.stdout) as FindingsReport).total).toBe(2);
    expect(prod.code, prod.stderr).toBe(0);
    expect((JSON.parse(prod.stdout) as FindingsReport).findings.map((f) => f.accountId)).toEqual([LATE]);
    expect(provisioning.code, provisioning.stderr).toBe(0);
    expect(JSON.parse(provisioning.stdout).executions).toHaveLength(1);
  });

  it('builds the evidence package from the hub’s tables', async () => {
    // Act
    const out = join(dir, 'evidence');
    const r = await cli(
      'evidence',
      ...hub().slice(0, -2),
      '--from',
      hoursAgo(24 * 7),
      '--to',
      hoursAgo(1),
      '-o',
      out,
      '--format',
      'json',
    );
    // Assert: the provisioned grant and the open findings of the org events are in it, and its source says hub
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows.executions).toBe(1);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).source).toBe(
      `hub:${t.names.decisions},${orgEvents}@us-east-1`,
    );
  });

  it('refuses an unknown unit or account in the words typed, and member tables named with --hub (exit 2)', async () => {
    // Act
    const unit = await cli('report', 'drift', ...hub(), '--ou', 'ou-nowhere');
    const account = await cli('report', 'exceptions', ...hub(), '--account', '999999999999');
    const outside = await cli('report', 'violations', ...hub(), '--ou', 'ou-dev', '--account', FRESH);
    const malformed = await cli('report', 'overview', ...hub(), '--account', '12345');
    const mixed = await cli('report', 'findings', ...hub(), '--findings-table', 'member-findings');
    const owner = await cli('report', 'findings', ...hub(), '--owner', 'team-data');
    // Assert
    expect(unit.code).toBe(2);
    expect(unit.stderr).toContain('--ou "ou-nowhere" is not a unit of the organization');
    expect(account.code).toBe(2);
    expect(account.stderr).toContain('--account "999999999999" is not an account of the organization');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`--account "${FRESH}" is not in --ou "ou-dev"`);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--account');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--findings-table');
    expect(owner.code).toBe(2);
    expect(owner.stderr).toContain('--owner');
  });
});
