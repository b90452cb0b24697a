import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import { FINDING_TYPES, type Finding, findingId } from '../../../lib/domain/finding.js';
import { accountsOfUnits } from '../../../lib/domain/organization.js';
import type { Severity } from '../../../lib/domain/primitives.js';
import { SEVERITIES_WORST_FIRST } from '../../../lib/domain/reports/common.js';
import {
  DRIFT_TYPES,
  type OrganizationQuery,
  type OrganizationSources,
  organizationReport,
  sumFigures,
} from '../../../lib/domain/reports/organization.js';
import { aDecision, aFinding } from '../../support/builders.js';
import { createTestTables } from '../../support/dynamo.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
// One day: the executions are read one by-day Query per day of the window.
const window = { since: '2026-03-01T00:00:00.000Z', until: NOW.toISOString() };
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

let sources: OrganizationSources & { findings: DynamoFindingStore; decisions: DynamoDecisionStore };
let scanLog: DynamoScanLog;
// One set of tables for the file; each case uses accounts of its own and asks only for them.
beforeAll(async () => {
  const t = await createTestTables();
  scanLog = new DynamoScanLog(t.doc, t.names.findings);
  sources = {
    findings: new DynamoFindingStore(t.doc, t.names.findings),
    decisions: new DynamoDecisionStore(t.doc, t.names.decisions),
    executions: new DynamoExecutionTrail(t.doc, t.names.executions),
    scans: scanLog,
  };
});

const query = (accounts: readonly string[], extra: Partial<OrganizationQuery> = {}): OrganizationQuery => ({
  units: {},
  accounts,
  scanIntervalHours: 24,
  expiringWithinDays: 14,
  window,
  ...extra,
});

const arbFinding = fc.record({
  account: fc.nat(3),
  name: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  type: fc.constantFrom(...FINDING_TYPES),
  severity: fc.constantFrom<Severity>(...SEVERITIES_WORST_FIRST),
  status: fc.constantFrom('open', 'suppressed', 'resolved' as const),
});

describe('organization report (DynamoDB Local)', () => {
  it('gives the same answer as the per-account reports added up, and as the org-wide by-status index', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^\d{12}$/), { minLength: 4, maxLength: 4 }),
        fc.array(arbFinding, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 96 }), { minLength: 4, maxLength: 4 }),
        async (accounts, raw, scanAges) => {
          // Arrange: findings in four accounts, each account scanned some hours ago (over 24: stale)
          const findings = new Map<string, Finding>();
          for (const { account, name, ...f } of raw) {
            const accountId = accounts[account] as string;
            const identityKey = `role/${name}`;
            const id = findingId(f.type, identityKey, '', accountId);
            findings.set(
              id,
              aFinding({
                ...f,
                id,
                accountId,
                identityKey,
                identityArn: `arn:aws:iam::${accountId}:${identityKey}`,
              }),
            );
          }
          await sources.findings.putMany([...findings.values()]);
          for (const [i, accountId] of accounts.entries())
            await scanLog.recordScan({
              accountId,
              asOf: hoursAgo(scanAges[i] ?? 0),
              ranAt: hoursAgo(scanAges[i] ?? 0),
              source: 'snapshot',
            });

          // Act
          const whole = await organizationReport(sources, query(accounts), { now: NOW });
          const per = await Promise.all(
            accounts.map((a) => organizationReport(sources, query([a]), { now: NOW })),
          );
          const open = (await sources.findings.listByStatus('open')).filter((f) =>
            accounts.includes(f.accountId as string),
          );

          // Assert: the whole is the sum of its accounts, and what the shared index says
          expect(sumFigures(per.map((p) => p.totals))).toEqual(sumFigures([whole.totals]));
          expect(whole.stale).toEqual(per.flatMap((p) => p.stale).sort());
          expect(whole.stale).toEqual(accounts.filter((_, i) => (scanAges[i] ?? 0) > 24).sort());
          expect(whole.totals.openFindings).toBe(open.length);
          expect(whole.totals.driftFindings).toBe(open.filter((f) => DRIFT_TYPES.includes(f.type)).length);
          for (const s of SEVERITIES_WORST_FIRST)
            expect(whole.totals.bySeverity[s]).toBe(open.filter((f) => f.severity === s).length);
        },
      ),
      { numRuns: 4 },
    );
  });

  it('names stale accounts (old scan, never scanned) and still counts their last known figures', async () => {
    // Arrange: prod has two accounts, one scanned 3 days ago; dev's account never reported
    const [fresh, late, silent] = ['910000000001', '910000000002', '910000000003'];
    const units = { 'ou-prod': [fresh, late] as string[], 'ou-dev': [silent] as string[] };
    await scanLog.recordScan({
      accountId: fresh as string,
      asOf: hoursAgo(2),
      ranAt: hoursAgo(2),
      source: 'live',
    });
    await scanLog.recordScan({
      accountId: late as string,
      asOf: hoursAgo(72),
      ranAt: hoursAgo(72),
      source: 'live',
    });
    await sources.findings.putMany([
      aFinding({
        id: findingId('stale-role', 'role/a', '', late),
        accountId: late,
        identityKey: 'role/a',
        severity: 'high',
      }),
    ]);
    await sources.decisions.create(
      aDecision({ id: `${fresh}-0001`, accountId: fresh, kind: 'grant', status: 'pending' }),
    );
    // Act
    const report = await organizationReport(
      sources,
      query(accountsOfUnits(units, ['ou-prod', 'ou-dev']), { units }),
      { now: NOW },
    );
    const prodOnly = await organizationReport(
      sources,
      query(accountsOfUnits(units, ['ou-prod']), { units }),
      {
        now: NOW,
      },
    );
    // Assert
    expect(report.stale).toEqual([late, silent]);
    const rows = new Map(report.accounts.map((r) => [r.accountId, r]));
    expect(rows.get(late)).toMatchObject({ stale: true, openFindings: 1, units: ['ou-prod'] });
    expect(rows.get(late)?.staleReason).toMatch(/last scan 72 h old/);
    expect(rows.get(silent)).toMatchObject({ stale: true, staleReason: 'never scanned', lastScanAsOf: null });
    expect(rows.get(fresh)).toMatchObject({ stale: false, pendingDecisions: 1 });
    expect(report.totals).toMatchObject({
      accounts: 3,
      staleAccounts: 2,
      openFindings: 1,
      pendingDecisions: 1,
    });
    expect(prodOnly.accounts.map((r) => r.accountId)).toEqual([fresh, late]);
  });
});
