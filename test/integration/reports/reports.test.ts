import { beforeAll, describe, expect, it } from 'vitest';
import { type Stores, storesFor } from '../../../lib/cli/local-store.js';
import { reportSources } from '../../../lib/cli/report/sources.js';
import { NotFoundError } from '../../../lib/domain/errors.js';
import { auditReport } from '../../../lib/domain/reports/audit/query.js';
import { driftReport } from '../../../lib/domain/reports/drift/query.js';
import { exceptionsReport } from '../../../lib/domain/reports/exceptions/query.js';
import { findingsReport } from '../../../lib/domain/reports/findings/query.js';
import { overviewReport } from '../../../lib/domain/reports/overview/query.js';
import { provisioningReport } from '../../../lib/domain/reports/provisioning/query.js';
import { reviewsReport } from '../../../lib/domain/reports/reviews/query.js';
import type { ReportSources } from '../../../lib/domain/reports/sources.js';
import { violationsReport } from '../../../lib/domain/reports/violations/query.js';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { createTestTables } from '../../support/dynamo.js';
import { NOW, SEEDED, SYSTEM, seed } from './seed.js';

const window = { since: '2026-01-30T12:00:00.000Z', until: NOW.toISOString() };
const options = { now: NOW };

/** Tables on DynamoDB Local, with a middleware that records every DynamoDB operation sent on the wire. */
async function recordedStores(): Promise<{ stores: Stores; sources: ReportSources; operations: string[] }> {
  const tables = await createTestTables();
  const operations: string[] = [];
  tables.client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      const target = headers['x-amz-target'];
      if (target) operations.push(target.replace('DynamoDB_20120810.', ''));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordOperations' },
  );
  const stores = storesFor(tables.client, tables.names);
  return { stores, sources: reportSources(stores), operations };
}

describe('reports on seeded DynamoDB Local tables', () => {
  let seeded: Awaited<ReturnType<typeof recordedStores>>;
  let empty: Awaited<ReturnType<typeof recordedStores>>;

  beforeAll(async () => {
    seeded = await recordedStores();
    await seed(seeded.stores);
    empty = await recordedStores();
  });

  it('findings: counts open findings by severity, type, owner and age, and draws no trend without a scan', async () => {
    const r = await findingsReport(seeded.sources, { window, status: 'open' }, options);

    expect(r.total).toBe(4);
    expect(r.bySeverity).toEqual([
      { severity: 'critical', count: 1 },
      { severity: 'high', count: 2 },
      { severity: 'medium', count: 1 },
      { severity: 'low', count: 0 },
      { severity: 'info', count: 0 },
    ]);
    expect(r.findings.map((f) => f.type)).toEqual([
      'forged-event',
      'unrotated-access-key',
      'unapproved-access',
      'stale-role',
    ]);
    // "No owner" is not an owner: no row for it, one number beside the rows (total = rows + it).
    expect(r.byOwner.map((o) => [o.owner, o.count])).toEqual([
      ['team-data', 1],
      ['team-platform', 1],
    ]);
    expect(r.withoutOwner).toBe(2);
    expect(r.byOwner.reduce((n, o) => n + o.count, 0) + r.withoutOwner).toBe(r.total);
    expect(Object.fromEntries(r.byAge.map((a) => [a.bucket, a.count]))).toEqual({
      '0-7d': 2,
      '8-30d': 1,
      '31-90d': 1,
      '91-180d': 0,
      '>180d': 0,
    });
    // No scan stored its metrics: no trend is made up from first-seen / resolved-at, and no last scan.
    expect(r.overTimeSource).toBe('none');
    expect(r.overTime).toEqual([]);
    expect(r.lastScan).toBeNull();
  });

  it('findings: filters by owner, type and minimum severity through the indexes', async () => {
    const byOwner = await findingsReport(
      seeded.sources,
      { window, status: 'open', owner: 'team-data' },
      options,
    );
    const highUp = await findingsReport(
      seeded.sources,
      { window, status: 'open', minSeverity: 'high' },
      options,
    );
    const suppressed = await findingsReport(seeded.sources, { window, status: 'suppressed' }, options);

    expect(byOwner.findings.map((f) => f.identityKey)).toEqual(['role/old-etl']);
    expect(highUp.total).toBe(3);
    expect(suppressed.findings.map((f) => [f.identityKey, f.suppressedBy])).toEqual([
      ['role/legacy-app', SEEDED.exceptionActive],
    ]);
  });

  it('findings: draws the trend from the daily metrics snapshots when the scanner stored them', async () => {
    const withMetrics = await recordedStores();
    await seed(withMetrics.stores, { metrics: true });

    const r = await findingsReport(withMetrics.sources, { window, status: 'open' }, options);

    expect(r.overTimeSource).toBe('metrics');
    expect(r.overTime.map((p) => [p.day, p.total, p.high])).toEqual([
      ['2026-02-27', 2, 1],
      ['2026-02-28', 3, 2],
      ['2026-03-01', 4, 3],
    ]);
    // When the last scan ran comes from the scan log (none recorded in this seed), not from snapshots.
    expect(r.lastScan).toBeNull();
  });

  it('exceptions: tells active, past-expiry and expired apart, by owner and age', async () => {
    const r = await exceptionsReport(seeded.sources, { expiringWithinDays: 14 }, options);

    expect(r.exceptions.map((e) => [e.decisionId, e.state, e.daysToExpiry, e.ageDays])).toEqual([
      [SEEDED.exceptionOverdue, 'overdue', -10, 120],
      [SEEDED.exceptionActive, 'active', 8, 59],
      [SEEDED.exceptionExpired, 'expired', -91, 183],
    ]);
    expect(r.summary).toMatchObject({ active: 1, expiringSoon: 1, overdue: 1, expired: 1 });
    expect(r.byOwner).toEqual([
      { owner: 'team-data', active: 0, overdue: 1, expired: 0, nextExpiry: '2026-02-20T00:00:00.000Z' },
      { owner: 'team-legacy', active: 1, overdue: 0, expired: 0, nextExpiry: '2026-03-10T00:00:00.000Z' },
      { owner: 'team-platform', active: 0, overdue: 0, expired: 1, nextExpiry: null },
    ]);
    expect(r.ageDistribution.filter((a) => a.inForce + a.expired > 0)).toEqual([
      { bucket: '31-90d', inForce: 1, expired: 0 },
      { bucket: '91-180d', inForce: 1, expired: 0 },
      { bucket: '181-365d', inForce: 0, expired: 1 },
    ]);
    expect(r.exceptions[1]?.approvers).toEqual([BOB]);
  });

  it('provisioning: time to grant and to remove, per kind, telling a revoked grant’s removal from its grant', async () => {
    const r = await provisioningReport(seeded.sources, { window }, options);

    expect(r.byDirection.map((d) => [d.direction, d.count, d.medianMs, d.p95Ms, d.worstMs])).toEqual([
      ['grant', 2, 90_000, 150_000, 150_000],
      ['remove', 2, 172_500, 300_000, 300_000],
    ]);
    expect(r.byKind.map((k) => [k.kind, k.direction, k.count, k.medianMs])).toEqual([
      ['break-glass', 'grant', 1, 30_000],
      ['grant', 'grant', 1, 150_000],
      ['break-glass', 'remove', 1, 45_000],
      ['revoke', 'remove', 1, 300_000],
    ]);
    expect(r.byDirection[0]?.worstDecisionId).toBe(SEEDED.grant);
    expect(r.executions).toHaveLength(4);
  });

  it('violations: separation-of-duties refusals, policy denials, forged events and unapproved access', async () => {
    const r = await violationsReport(seeded.sources, { window }, options);

    expect(r.summary).toEqual({
      total: 4,
      deniedAttempts: 2,
      separationOfDuties: 1,
      policyDenials: 1,
      forgedEvents: 1,
      unapprovedAccess: 1,
    });
    expect(r.deniedAttempts.map((a) => [a.actor, a.category])).toEqual([
      [ALICE, 'separation-of-duties'],
      ['arn:aws:iam::111122223333:role/dev-dave', 'policy-denial'],
    ]);
    expect(r.findings.map((f) => f.type)).toEqual(['forged-event', 'unapproved-access']);
  });

  it('violations: leaves out what happened before the window', async () => {
    const r = await violationsReport(
      seeded.sources,
      { window: { since: '2026-02-28T00:00:00.000Z', until: NOW.toISOString() } },
      options,
    );

    expect(r.deniedAttempts.map((a) => a.code)).toEqual(['POLICY_DENIED']);
    // The unapproved-access finding was seen again today, so it is still in the window.
    expect(r.summary.unapprovedAccess).toBe(1);
  });

  it('drift: joins every IAM change with its decision, approvers and policy, and lists changes with none', async () => {
    const r = await driftReport(seeded.sources, { window, identities: null }, options);

    expect(r.changes.map((c) => [c.identityKey, c.decisionVersion, c.verdict, c.decidedBy])).toEqual([
      ['role/old-etl', 2, 'approved', BOB],
      ['role/oncall', 2, 'approved', CAROL],
      ['role/oncall', 3, 'approved', SYSTEM],
      ['role/payments-batch', 2, 'approved', BOB],
      ['role/shadow', 2, 'no-decision', null],
    ]);
    const grant = r.changes.find((c) => c.decisionId === SEEDED.grant);
    expect(grant).toMatchObject({
      changes: ['iam:AttachRolePolicy role/payments-batch'],
      approvals: [{ approver: BOB, at: '2026-02-20T10:00:00.000Z', basis: 'tier low: security approvers' }],
      policyVersion: 'sha256:policy-v7',
      requester: ALICE,
      decisionStatus: 'approved',
    });
    expect(r.unapproved.map((f) => f.identityKey)).toEqual(['role/shadow']);
    expect(r.summary).toEqual({
      changes: 5,
      approved: 4,
      notApproved: 0,
      noDecision: 1,
      unapprovedAccess: 1,
      identitiesWithDrift: 1,
      changedDocuments: 0,
    });
  });

  it('drift: narrows to the identities asked for, through the by-identity indexes', async () => {
    const r = await driftReport(seeded.sources, { window, identities: ['role/oncall'] }, options);

    expect(r.changes.map((c) => c.changes)).toEqual([
      ['iam:AttachRolePolicy role/oncall'],
      ['iam:DetachRolePolicy role/oncall'],
    ]);
    expect(r.unapproved).toEqual([]);
  });

  it('audit of a decision: history, approvals, refusals, executions and the findings about it, in time order', async () => {
    const r = await auditReport(seeded.sources, { decisionId: SEEDED.pending }, options);

    expect(r.summary).toEqual({
      decisions: 1,
      approvals: 0,
      deniedAttempts: 2,
      executions: 1,
      findings: 1,
      openFindings: 1,
    });
    expect(r.timeline.map((t) => `${t.source}: ${t.event}`)).toEqual([
      'decision: grant submitted',
      'denied-attempt: approve refused',
      'execution: verify-decision refused',
      'finding: forged-event opened',
      'denied-attempt: approve refused',
    ]);
    expect(r.decisions[0]).not.toHaveProperty('taskToken');
  });

  it('audit of an identity: every decision and execution about it, and its findings', async () => {
    const r = await auditReport(seeded.sources, { identityKey: 'role/oncall' }, options);
    const legacy = await auditReport(seeded.sources, { identityKey: 'role/legacy-app' }, options);

    expect(r.decisions.map((d) => d.id)).toEqual([SEEDED.breakGlass]);
    expect(r.executions.map((e) => `${e.decisionVersion}/${e.action}`)).toEqual([
      '2/attach-role-policy',
      '2/complete',
      '3/detach-role-policy',
      '3/complete',
    ]);
    expect(r.timeline.filter((t) => t.source === 'approval').map((t) => t.actor)).toEqual([CAROL]);
    expect(legacy.findings.map((f) => [f.type, f.status])).toEqual([['human-use-of-nhi', 'suppressed']]);
    expect(legacy.decisions.map((d) => d.kind)).toEqual(['exception']);
  });

  it('audit: refuses a decision id that does not exist', async () => {
    await expect(auditReport(seeded.sources, { decisionId: 'd-does-not-exist' }, options)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('reviews: completion per campaign and the items overdue', async () => {
    const r = await reviewsReport(seeded.sources, { window }, options);

    expect(r.campaigns.map((c) => [c.name, c.overdue, c.reviewed, c.items, c.completionPct])).toEqual([
      ['Q1 payments review', true, 1, 3, 33.3],
      ['Q1 platform review', false, 1, 2, 50],
    ]);
    expect(r.overdueItems.map((i) => [i.identityKey, i.daysOverdue])).toEqual([
      ['role/payments-api', 4],
      ['user/payments-export', 4],
    ]);
    expect(r.summary).toMatchObject({
      campaigns: 2,
      items: 5,
      reviewed: 2,
      completionPct: 40,
      overdueItems: 2,
    });
    expect(r.byReviewer).toEqual([{ reviewer: CAROL, reviewed: 2 }]);
  });

  it('overview: composes the reports over one window', async () => {
    const r = await overviewReport(seeded.sources, { window, expiringWithinDays: 14 }, options);

    expect(r.findings.total).toBe(4);
    expect(r.exceptions.summary.active).toBe(1);
    expect(r.provisioning.executions).toHaveLength(4);
    expect(r.violations.summary.deniedAttempts).toBe(2);
    expect(r.reviews?.summary.campaigns).toBe(2);
  });

  it('every report answers an empty store with zeros and empty lists', async () => {
    const s = empty.sources;
    const findings = await findingsReport(s, { window, status: 'open' }, options);
    const exceptions = await exceptionsReport(s, { expiringWithinDays: 14 }, options);
    const provisioning = await provisioningReport(s, { window }, options);
    const violations = await violationsReport(s, { window }, options);
    const drift = await driftReport(s, { window, identities: null }, options);
    const audit = await auditReport(s, { identityKey: 'role/nobody' }, options);
    const reviews = await reviewsReport(s, { window }, options);

    expect(findings).toMatchObject({
      total: 0,
      findings: [],
      byType: [],
      byOwner: [],
      withoutOwner: 0,
      overTimeSource: 'none',
    });
    expect(exceptions).toMatchObject({
      exceptions: [],
      summary: { active: 0, expired: 0, medianActiveAgeDays: null },
    });
    expect(provisioning).toMatchObject({ executions: [], byDirection: [], byKind: [] });
    expect(violations.summary).toEqual({
      total: 0,
      deniedAttempts: 0,
      separationOfDuties: 0,
      policyDenials: 0,
      forgedEvents: 0,
      unapprovedAccess: 0,
    });
    expect(drift).toMatchObject({ changes: [], unapproved: [], summary: { changes: 0 } });
    expect(audit).toMatchObject({ decisions: [], executions: [], findings: [], timeline: [] });
    expect(reviews).toMatchObject({ campaigns: [], overdueItems: [], summary: { completionPct: null } });
  });

  it('reads only with Query and GetItem: no report ever scans a table', async () => {
    const fresh = await recordedStores();
    await seed(fresh.stores);
    fresh.operations.length = 0;

    await findingsReport(fresh.sources, { window, status: 'open' }, options);
    await findingsReport(
      fresh.sources,
      { window, status: 'open', owner: 'team-data', type: 'stale-role' },
      options,
    );
    await exceptionsReport(fresh.sources, { expiringWithinDays: 14 }, options);
    await provisioningReport(fresh.sources, { window }, options);
    await violationsReport(fresh.sources, { window }, options);
    await driftReport(fresh.sources, { window, identities: null }, options);
    await driftReport(fresh.sources, { window, identities: ['role/oncall'] }, options);
    await auditReport(fresh.sources, { decisionId: SEEDED.breakGlass }, options);
    await auditReport(fresh.sources, { identityKey: 'role/oncall' }, options);
    await reviewsReport(fresh.sources, { window }, options);
    await overviewReport(fresh.sources, { window, expiringWithinDays: 14 }, options);

    expect(fresh.operations.length).toBeGreaterThan(20);
    expect(new Set(fresh.operations)).toEqual(new Set(['Query', 'GetItem']));
    expect(fresh.operations).not.toContain('Scan');
  });
});
