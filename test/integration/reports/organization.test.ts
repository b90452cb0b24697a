import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../../lib/adapters/dynamodb/campaign-store.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { FINDING_TYPES, type Finding, findingId } from '../../../lib/domain/finding.js';
import { accountsOfUnits } from '../../../lib/domain/organization.js';
import type { Severity } from '../../../lib/domain/primitives.js';
import { SEVERITIES_WORST_FIRST } from '../../../lib/domain/reports/common.js';
import { driftReport } from '../../../lib/domain/reports/drift/query.js';
import { exceptionsReport } from '../../../lib/domain/reports/exceptions/query.js';
import { findingsReport } from '../../../lib/domain/reports/findings/query.js';
import {
  DRIFT_TYPES,
  type OrganizationQuery,
  type OrganizationSources,
  organizationReport,
  sumFigures,
} from '../../../lib/domain/reports/organization.js';
import { provisioningReport } from '../../../lib/domain/reports/provisioning/query.js';
import { reviewsReport } from '../../../lib/domain/reports/reviews/query.js';
import { scopedSources } from '../../../lib/domain/reports/scope.js';
import type { ReportSources } from '../../../lib/domain/reports/sources.js';
import { violationsReport } from '../../../lib/domain/reports/violations/query.js';
import { ALICE, aDecision, aFinding, anExecution } from '../../support/builders.js';
import { createTestTables } from '../../support/dynamo.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
// One day: the executions are read one by-day Query per day of the window.
const window = { since: '2026-03-01T00:00:00.000Z', until: NOW.toISOString() };
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

let sources: OrganizationSources & { findings: DynamoFindingStore; decisions: DynamoDecisionStore };
let scanLog: DynamoScanLog;
let reportSources: ReportSources;
let trail: DynamoExecutionTrail;
let campaigns: DynamoCampaignStore;
let serial = 0;
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
  trail = new DynamoExecutionTrail(t.doc, t.names.executions);
  campaigns = new DynamoCampaignStore(t.doc, t.names.decisions);
  reportSources = { ...sources, executions: trail, campaigns };
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

/** An approved exception of `accountId`, expiring `days` from NOW (negative: overdue). */
function exceptionIn(accountId: string, days: number, n: number): Decision {
  const expiresAt = new Date(NOW.getTime() + days * 86_400_000).toISOString();
  return aDecision({
    id: `${accountId}-exc${String(n).padStart(6, '0')}`,
    accountId,
    kind: 'exception',
    status: 'approved',
    version: 2,
    decidedAt: hoursAgo(24 * 40),
    expiresAt,
    request: {
      kind: 'exception',
      identity: { type: 'role', name: `svc-${n}` },
      findingTypes: ['stale-role'],
      riskAcceptance: {
        owner: 'risk-owner',
        risk: 'kept for the year-end close',
        compensatingControls: ['alarm on use'],
        residualSeverity: 'low',
      },
      expiresAt,
      justification: 'kept for the year-end close',
    },
  });
}

/** The additive figures of every per-account report: what adds up across accounts. */
async function figures(sources: ReportSources) {
  const opts = { now: NOW };
  // The overview is these reports on one page (lib/domain/reports/overview/query.ts): not run again.
  const [findings, drift, exceptions, provisioning, violations, reviews] = await Promise.all([
    findingsReport(sources, { window, status: 'open', scanIntervalHours: 24 }, opts),
    driftReport(sources, { window, identities: null }, opts),
    exceptionsReport(sources, { expiringWithinDays: 14 }, opts),
    provisioningReport(sources, { window }, opts),
    violationsReport(sources, { window }, opts),
    reviewsReport(sources, { window }, opts),
  ]);
  return {
    findings: [findings.total, ...findings.bySeverity.map((b) => b.count)],
    drift: [drift.summary.changes, drift.summary.noDecision, drift.summary.unapprovedAccess],
    exceptions: [exceptions.summary.active, exceptions.summary.expiringSoon, exceptions.summary.overdue],
    provisioning: provisioning.executions.length,
    violations: [violations.summary.total, violations.summary.deniedAttempts],
    reviews: [reviews.summary.items, reviews.summary.pending],
  };
}
type Figures = Awaited<ReturnType<typeof figures>>;
const add = (a: Figures, b: Figures): Figures =>
  Object.fromEntries(
    Object.entries(a).map(([k, v]) => {
      const w = b[k as keyof Figures];
      return [
        k,
        Array.isArray(v) ? v.map((x, i) => x + ((w as number[])[i] ?? 0)) : (v as number) + (w as number),
      ];
    }),
  ) as Figures;

describe('every per-account report, narrowed to accounts (--account/--ou)', () => {
  it('answers for several accounts what the per-account answers add up to, and leaves out other accounts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^\d{12}$/), { minLength: 3, maxLength: 3 }),
        fc.array(arbFinding, { maxLength: 12 }),
        fc.array(
          fc.record({ account: fc.nat(3), days: fc.integer({ min: -5, max: 60 }), done: fc.boolean() }),
          {
            maxLength: 6,
          },
        ),
        async (accounts, raw, decided) => {
          // Arrange: findings, exceptions, their executions, refusals and review items in three
          // accounts and a fourth (index 3) that no scope below asks for
          const all = [...accounts, '900000000999'];
          const findings = new Map<string, Finding>();
          for (const { account, name, ...f } of raw) {
            const accountId = all[account] as string;
            const identityKey = `role/${name}`;
            const id = findingId(f.type, identityKey, '', accountId);
            findings.set(id, aFinding({ ...f, id, accountId, identityKey }));
          }
          await sources.findings.putMany([...findings.values()]);
          const exceptions = decided.map((d) => exceptionIn(all[d.account] as string, d.days, ++serial));
          for (const [n, d] of exceptions.entries()) {
            await sources.decisions.create(d);
            await sources.decisions.recordDeniedAttempt({
              decisionId: d.id,
              at: hoursAgo(3),
              actor: ALICE,
              action: 'approve',
              code: 'SEPARATION_OF_DUTIES',
              reason: 'the requester cannot approve',
            });
            if (decided[n]?.done)
              await trail.append(
                anExecution({
                  decisionId: d.id,
                  decisionVersion: 2,
                  action: 'complete',
                  startedAt: hoursAgo(2),
                  finishedAt: hoursAgo(2),
                  decidedAt: hoursAgo(3),
                }),
              );
          }
          const campaign = `campaign${String(++serial).padStart(6, '0')}`;
          await campaigns.create(
            {
              id: campaign,
              name: 'quarterly',
              scope: {},
              createdBy: ALICE,
              createdAt: hoursAgo(48),
              dueAt: hoursAgo(-48),
              status: 'open',
              policyVersion: 'sha256:test',
              itemCount: exceptions.length,
              completedCount: 0,
              version: 1,
            },
            exceptions.map((d, i) => ({
              campaignId: campaign,
              itemId: `item-${i}`,
              identityKey: d.identityKey,
              entitlementKey: 'identity',
              grantDecisionId: d.id,
              outcome: 'pending',
              version: 1,
            })),
          );

          // Act
          const whole = await figures(scopedSources(reportSources, accounts));
          const per = await Promise.all(accounts.map((a) => figures(scopedSources(reportSources, [a]))));

          // Assert: the org-wide answer is the sum of the accounts' answers
          expect(whole).toEqual(per.reduce(add));
          const mine = [...findings.values()].filter((f) => accounts.includes(f.accountId as string));
          expect(whole.findings[0]).toBe(mine.filter((f) => f.status === 'open').length);
          const inScope = exceptions.filter((d) => accounts.includes(d.accountId as string));
          expect(whole.violations[1]).toBe(inScope.length);
          expect(whole.reviews[0]).toBe(inScope.length);
          expect(whole.provisioning).toBe(
            exceptions.filter((d, i) => decided[i]?.done && accounts.includes(d.accountId as string)).length,
          );
        },
      ),
      // One generated organization per run: each run is 24 reports on DynamoDB Local (npm test budget).
      { numRuns: 1 },
    );
  });
});
