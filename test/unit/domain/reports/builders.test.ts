import { describe, expect, it } from 'vitest';
import type { Campaign, ReviewItem } from '../../../../lib/domain/certification.js';
import type { Decision } from '../../../../lib/domain/decision.js';
import { buildAuditReport } from '../../../../lib/domain/reports/audit/build.js';
import { buildDriftReport, changeRecords } from '../../../../lib/domain/reports/drift/build.js';
import { buildExceptionsReport } from '../../../../lib/domain/reports/exceptions/build.js';
import { gateSeverities } from '../../../../lib/domain/reports/fail-on.js';
import { buildFindingsReport } from '../../../../lib/domain/reports/findings/build.js';
import { buildProvisioningReport, directionOf } from '../../../../lib/domain/reports/provisioning/build.js';
import { buildReviewsReport } from '../../../../lib/domain/reports/reviews/build.js';
import { buildViolationsReport, categoryOf } from '../../../../lib/domain/reports/violations/build.js';
import { ALICE, aDecision, aFinding, anExecution, BOB } from '../../../support/builders.js';

const now = new Date('2026-03-01T12:00:00.000Z');
const window = { since: '2026-02-01T00:00:00.000Z', until: now.toISOString() };

function exception(overrides: Partial<Decision> & { expiresAt: string }): Decision {
  return aDecision({
    kind: 'exception',
    status: 'approved',
    version: 2,
    decidedAt: '2026-02-01T00:00:00.000Z',
    request: {
      kind: 'exception',
      identity: { type: 'role', name: 'payments-batch' },
      findingTypes: ['stale-role'],
      riskAcceptance: {
        owner: 'risk-owner',
        risk: 'the role is kept for the year-end close',
        compensatingControls: ['alarm on use'],
        residualSeverity: 'low',
      },
      expiresAt: overrides.expiresAt,
      justification: 'kept for the year-end close',
    },
    ...overrides,
  });
}

describe('findings report', () => {
  it('draws the trend only from scans, and flags a last scan older than the scan interval', () => {
    const scan = (asOf: string) => ({
      accountId: '111122223333',
      asOf,
      ranAt: asOf,
      source: 'snapshot' as const,
    });
    const report = (lastScanAt: string | undefined) =>
      buildFindingsReport({
        now,
        window,
        scope: { status: 'open', owner: null, type: null, minSeverity: null },
        findings: [aFinding({ identityKey: 'role/a', firstSeen: '2026-01-02T10:00:00.000Z' })],
        snapshots: [],
        ...(lastScanAt ? { lastScan: scan(lastScanAt) } : {}),
        scanIntervalHours: 24,
      });

    const never = report(undefined);
    const fresh = report('2026-03-01T00:00:00.000Z');
    const stale = report('2026-02-27T11:00:00.000Z');

    // An open finding first seen two months ago draws no line: no scan saw those days.
    expect(never.overTime).toEqual([]);
    expect(never.overTimeSource).toBe('none');
    expect(never.lastScan).toBeNull();
    expect(fresh.lastScan).toMatchObject({ at: '2026-03-01T00:00:00.000Z', ageHours: 12, overdue: false });
    expect(stale.lastScan).toMatchObject({ at: '2026-02-27T11:00:00.000Z', ageHours: 49, overdue: true });
    expect(stale.lastScan?.accountId).toBe('111122223333');
  });

  it('groups by type with the worst severity and oldest age, most frequent first', () => {
    const r = buildFindingsReport({
      now,
      window,
      scope: { status: 'open', owner: null, type: null, minSeverity: null },
      findings: [
        aFinding({ identityKey: 'role/a', severity: 'low', firstSeen: '2026-01-01T00:00:00.000Z' }),
        aFinding({ identityKey: 'role/b', severity: 'high', firstSeen: '2026-02-20T00:00:00.000Z' }),
        aFinding({ type: 'orphaned-identity', identityKey: 'role/c', severity: 'low' }),
      ],
    });

    expect(r.byType).toEqual([
      { type: 'stale-role', count: 2, worstSeverity: 'high', oldestDays: 59 },
      { type: 'orphaned-identity', count: 1, worstSeverity: 'low', oldestDays: 59 },
    ]);
    expect(r.overTimeSource).toBe('none');
  });
});

describe('exceptions report', () => {
  it('counts an exception whose expiry is exactly now as past expiry, and ignores other kinds and statuses', () => {
    const r = buildExceptionsReport({
      now,
      expiringWithinDays: 14,
      decisions: [
        exception({ id: 'd-exactly-now-01', expiresAt: now.toISOString() }),
        exception({ id: 'd-in-14-days-01', expiresAt: '2026-03-15T12:00:00.000Z' }),
        exception({
          id: 'd-in-13-days-01',
          expiresAt: '2026-03-14T11:59:59.000Z',
          renewalOf: 'd-exactly-now-01',
        }),
        exception({ id: 'd-revoked-exc-1', expiresAt: '2026-04-01T00:00:00.000Z', status: 'revoked' }),
        aDecision({ id: 'd-grant-jit-001', status: 'approved', expiresAt: '2026-03-02T00:00:00.000Z' }),
      ],
    });

    expect(r.exceptions.map((e) => [e.decisionId, e.state, e.daysToExpiry])).toEqual([
      ['d-exactly-now-01', 'overdue', 0],
      ['d-in-13-days-01', 'active', 12],
      ['d-in-14-days-01', 'active', 14],
    ]);
    expect(r.summary.expiringSoon).toBe(1);
    expect(r.exceptions[1]).toMatchObject({
      renewalOf: 'd-exactly-now-01',
      riskOwner: 'risk-owner',
      ageDays: 28,
    });
  });
});

describe('provisioning report', () => {
  const grant = aDecision({
    id: 'd-grant-then-rev',
    status: 'revoked',
    version: 3,
    history: [
      { at: '2026-02-10T00:00:00.000Z', actor: ALICE, action: 'submitted', version: 1 },
      { at: '2026-02-10T01:00:00.000Z', actor: BOB, action: 'approved', version: 2 },
      { at: '2026-02-11T00:00:00.000Z', actor: BOB, action: 'revoked', version: 3 },
    ],
  });

  it('tells time to grant from time to remove by the kind and the decision version executed', () => {
    const record = (kind: Decision['kind'], version: number) =>
      anExecution({ decisionId: grant.id, kind, decisionVersion: version, action: 'complete' });

    expect(directionOf(record('grant', 2), grant)).toBe('grant');
    expect(directionOf(record('grant', 3), grant)).toBe('remove');
    expect(directionOf(record('grant', 3), undefined)).toBe('grant');
    expect(directionOf(record('revoke', 2), undefined)).toBe('remove');
    expect(directionOf(record('delete-identity', 2), undefined)).toBe('remove');
    expect(directionOf(record('rotate', 2), undefined)).toBe('rotate');
  });

  it('times succeeded executions only, falls back to decidedAt→finishedAt, and skips refusals and steps', () => {
    const complete = (id: string, over: Parameters<typeof anExecution>[0]) =>
      anExecution({ decisionId: id, action: 'complete', finishedAt: '2026-02-20T00:10:00.000Z', ...over });
    const r = buildProvisioningReport({
      now,
      window,
      decisions: new Map(),
      records: [
        complete('d-fast-grant-01', { latencyMs: 1_000 }),
        complete('d-no-latency-01', { latencyMs: undefined, decidedAt: '2026-02-20T00:00:00.000Z' }),
        complete('d-failed-grant1', { status: 'failed', latencyMs: 999_999 }),
        complete('d-refused-evt01', { status: 'refused', latencyMs: 5 }),
        complete('d-before-window', { finishedAt: '2026-01-01T00:00:00.000Z', latencyMs: 5 }),
        anExecution({ decisionId: 'd-only-a-step01', action: 'attach-role-policy', latencyMs: 5 }),
      ],
    });

    expect(r.byDirection).toEqual([
      {
        direction: 'grant',
        count: 3,
        succeeded: 2,
        failed: 1,
        medianMs: 300_500,
        p95Ms: 600_000,
        worstMs: 600_000,
        worstDecisionId: 'd-no-latency-01',
      },
    ]);
  });
});

describe('drift report', () => {
  const call = (api: string, outcome: 'ok' | 'already-done' = 'ok') => ({
    api,
    target: 'role/payments-batch',
    outcome,
    at: '2026-02-20T00:00:00.000Z',
    durationMs: 10,
  });

  it('counts each change once: a complete record that repeats its steps is not doubled, one that stands alone counts', () => {
    const records = [
      anExecution({ decisionId: 'd-with-steps-01', step: 0, calls: [call('iam:AttachRolePolicy')] }),
      anExecution({
        decisionId: 'd-with-steps-01',
        step: 1,
        action: 'complete',
        calls: [call('iam:AttachRolePolicy')],
      }),
      anExecution({
        decisionId: 'd-complete-only',
        step: 0,
        action: 'complete',
        calls: [call('iam:PutRolePolicy')],
      }),
      anExecution({
        decisionId: 'd-retry-noop-01',
        step: 0,
        calls: [call('iam:AttachRolePolicy', 'already-done')],
      }),
    ];

    expect(changeRecords(records).map((r) => `${r.decisionId}/${r.action}`)).toEqual([
      'd-with-steps-01/attach-role-policy',
      'd-complete-only/complete',
    ]);
  });

  it('marks a change whose decision was never approved, and keeps only the identities asked for', () => {
    const pending = aDecision({ id: 'd-never-approved' });
    const r = buildDriftReport({
      now,
      window,
      identities: ['role/payments-batch'],
      records: [
        anExecution({ decisionId: pending.id, finishedAt: '2026-02-20T00:00:00.000Z' }),
        anExecution({
          decisionId: 'd-other-identity',
          identityKey: 'role/other',
          finishedAt: '2026-02-20T00:00:00.000Z',
        }),
      ],
      decisions: new Map([[pending.id, pending]]),
      unapprovedFindings: [
        aFinding({ type: 'unapproved-access', identityKey: 'role/other' }),
        aFinding({ type: 'unapproved-access', identityKey: 'role/payments-batch', status: 'resolved' }),
      ],
    });

    expect(r.changes.map((c) => [c.decisionId, c.verdict])).toEqual([['d-never-approved', 'not-approved']]);
    expect(r.unapproved).toEqual([]);
    expect(gateSeverities(r)).toEqual(['critical']);
  });

  it('shows documents changed since approval as drift at the document level, and gates on them', () => {
    // Arrange
    const changed = aFinding({
      type: 'policy-changed-since-approval',
      identityKey: 'role/deployer',
      severity: 'high',
      title:
        'managed-policy:arn:aws:iam::111122223333:policy/nhi/app-deploy on deployer is no longer the document approved',
    });

    // Act
    const r = buildDriftReport({
      now,
      window,
      identities: null,
      records: [],
      decisions: new Map(),
      unapprovedFindings: [
        changed,
        aFinding({ type: 'policy-changed-since-approval', identityKey: 'role/x', status: 'resolved' }),
      ],
    });

    // Assert
    expect(r.changedDocuments.map((f) => f.identityKey)).toEqual(['role/deployer']);
    expect(r.summary).toMatchObject({ changedDocuments: 1, identitiesWithDrift: 1, unapprovedAccess: 0 });
    expect(gateSeverities(r)).toEqual(['high']);
  });
});

describe('violations report', () => {
  it('sorts refusal codes into separation of duties and policy denials', () => {
    expect(categoryOf('SEPARATION_OF_DUTIES')).toBe('separation-of-duties');
    expect(categoryOf('SELF_APPROVAL')).toBe('separation-of-duties');
    expect(categoryOf('POLICY_DENIED')).toBe('policy-denial');
    expect(categoryOf('NOT_REQUESTER')).toBe('policy-denial');
  });

  it('lists each finding once and only violation types', () => {
    const forged = aFinding({
      type: 'forged-event',
      identityKey: 'decision/d-x',
      lastSeen: '2026-02-20T00:00:00.000Z',
    });
    const r = buildViolationsReport({
      now,
      window,
      deniedAttempts: [],
      findings: [forged, forged, aFinding({ type: 'stale-role', lastSeen: '2026-02-20T00:00:00.000Z' })],
    });

    expect(r.findings.map((f) => f.type)).toEqual(['forged-event']);
  });
});

describe('audit report', () => {
  it('never shows the task token, and shows an approval once with its basis', () => {
    const decision = aDecision({
      status: 'approved',
      version: 2,
      taskToken: 'AQCEAAAAKgAAAAMAAAAA-secret-token',
      approvals: [{ approver: BOB, at: '2026-02-20T10:00:00.000Z', basis: 'tier low' }],
      history: [
        { at: '2026-02-20T09:00:00.000Z', actor: ALICE, action: 'submitted', version: 1 },
        { at: '2026-02-20T10:00:00.000Z', actor: BOB, action: 'approval-recorded', version: 1 },
        { at: '2026-02-20T10:00:00.000Z', actor: BOB, action: 'approved', version: 2 },
      ],
    });

    const r = buildAuditReport({
      now,
      subject: { type: 'identity', identityKey: decision.identityKey },
      decisions: [decision],
      deniedAttempts: [],
      executions: [],
      findings: [],
    });

    expect(JSON.stringify(r)).not.toContain('secret-token');
    expect(r.timeline.map((t) => `${t.source} ${t.event} ${t.detail}`)).toEqual([
      'decision grant submitted version 1 (policy sha256:test, tier low)',
      'decision grant approved version 2',
      'approval grant approval tier low',
    ]);
  });
});

describe('reviews report', () => {
  const campaign = (id: string, overrides: Partial<Campaign> = {}): Campaign => ({
    id,
    name: id,
    scope: {},
    createdBy: BOB,
    createdAt: '2026-02-01T00:00:00.000Z',
    dueAt: '2026-02-15T00:00:00.000Z',
    status: 'open',
    policyVersion: 'sha256:test',
    itemCount: 4,
    completedCount: 1,
    version: 2,
    ...overrides,
  });

  it('counts from the campaign when its items are not given, and never calls a closed campaign overdue', () => {
    const r = buildReviewsReport({
      now,
      campaigns: [
        campaign('c-counted-only'),
        campaign('c-closed-late1', { status: 'closed', itemCount: 0, completedCount: 0 }),
      ],
      items: new Map<string, ReviewItem[]>(),
    });

    expect(r.campaigns.map((c) => [c.campaignId, c.overdue, c.pending, c.completionPct])).toEqual([
      ['c-closed-late1', false, 0, 100],
      ['c-counted-only', true, 3, 25],
    ]);
    expect(r.summary).toMatchObject({ items: 4, reviewed: 1, completionPct: 25, overdueCampaigns: 1 });
  });
});

describe('--fail-on', () => {
  it('gates on open findings only', () => {
    const r = buildFindingsReport({
      now,
      window,
      scope: { status: 'resolved', owner: null, type: null, minSeverity: null },
      findings: [aFinding({ status: 'resolved', severity: 'critical' })],
    });
    expect(gateSeverities(r)).toEqual([]);
  });
});
