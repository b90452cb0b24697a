import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCampaignStore } from '../../../lib/adapters/dynamodb/campaign-store.js';
import { type Stores, storesFor } from '../../../lib/cli/local-store.js';
import type { TableNames } from '../../../lib/config/tables.js';
import type { Campaign, ReviewItem } from '../../../lib/domain/certification.js';
import type { Decision, HistoryEntry } from '../../../lib/domain/decision.js';
import { FRAMEWORKS } from '../../../lib/domain/finding.js';
import type { MetricsSnapshot } from '../../../lib/domain/metrics.js';
import { ALICE, aDecision, aFinding, anExecution, BOB, CAROL } from '../../support/builders.js';

/** "Now" of every seeded report test: reports compute ages from it. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

export const SYSTEM = 'arn:aws:sts::111122223333:assumed-role/nhi-gov-scan/fn';
const DAVE = 'arn:aws:iam::111122223333:role/dev-dave';

/** Ids of the seeded records, so tests can name them. */
export const SEEDED = {
  grant: 'd-grant-payments01',
  breakGlass: 'd-breakglass-oncall1',
  revoke: 'd-revoke-old-etl001',
  pending: 'd-pending-reports01',
  ghost: 'd-ghost-no-decision',
  exceptionActive: 'd-exc-active-legacy',
  exceptionOverdue: 'd-exc-overdue-batch',
  exceptionExpired: 'd-exc-expired-build',
  campaignOverdue: 'c-q1-payments-review',
  campaignOpen: 'c-q1-platform-review',
} as const;

function approved(
  id: string,
  overrides: Partial<Decision>,
  approver: string,
  decidedAt: string,
  basis = 'tier low: security approvers',
): Decision {
  const createdAt = overrides.createdAt ?? '2026-02-20T09:00:00.000Z';
  const history: HistoryEntry[] = [
    { at: createdAt, actor: overrides.requester ?? ALICE, action: 'submitted', version: 1 },
    { at: decidedAt, actor: approver, action: 'approved', version: 2 },
  ];
  return aDecision({
    id,
    version: 2,
    status: 'approved',
    createdAt,
    updatedAt: decidedAt,
    decidedAt,
    approvals: [{ approver, at: decidedAt, basis }],
    history,
    policyVersion: 'sha256:policy-v7',
    ...overrides,
  });
}

function exception(
  id: string,
  identity: string,
  owner: string,
  decidedAt: string,
  expiresAt: string,
  status: 'approved' | 'expired',
): Decision {
  const base = approved(
    id,
    {
      kind: 'exception',
      identityKey: `role/${identity}`,
      owner,
      expiresAt,
      createdAt: decidedAt,
      request: {
        kind: 'exception',
        identity: { type: 'role', name: identity },
        findingTypes: ['human-use-of-nhi'],
        riskAcceptance: {
          owner: `${owner}-lead`,
          risk: 'a person signs in with the service role during the migration',
          compensatingControls: ['CloudTrail alert on console sign-in'],
          residualSeverity: 'medium',
        },
        expiresAt,
        justification: 'migration to per-person roles is under way',
      },
    },
    BOB,
    decidedAt,
  );
  if (status === 'approved') return base;
  return {
    ...base,
    status: 'expired',
    version: 3,
    updatedAt: expiresAt,
    history: [...base.history, { at: expiresAt, actor: SYSTEM, action: 'expired', version: 3 }],
  };
}

/** The seeded decisions, one of each case the reports tell apart. */
export function seededDecisions(): Decision[] {
  const grant = approved(SEEDED.grant, {}, BOB, '2026-02-20T10:00:00.000Z');
  const breakGlassApproved = approved(
    SEEDED.breakGlass,
    {
      kind: 'break-glass',
      identityKey: 'role/oncall',
      requester: DAVE,
      createdAt: '2026-02-25T07:55:00.000Z',
      expiresAt: '2026-02-25T09:00:00.000Z',
      request: {
        kind: 'break-glass',
        identity: { type: 'role', name: 'oncall' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
        durationMinutes: 60,
        justification: 'production incident INC-4711 needs a database restore now',
        owner: 'team-payments',
      },
    },
    CAROL,
    '2026-02-25T08:00:00.000Z',
  );
  const breakGlass: Decision = {
    ...breakGlassApproved,
    status: 'revoked',
    version: 3,
    updatedAt: '2026-02-25T09:00:00.000Z',
    history: [
      ...breakGlassApproved.history,
      { at: '2026-02-25T09:00:00.000Z', actor: SYSTEM, action: 'revoked', version: 3, note: 'expired' },
    ],
  };
  const revoke = approved(
    SEEDED.revoke,
    {
      kind: 'revoke',
      identityKey: 'role/old-etl',
      createdAt: '2026-02-26T08:00:00.000Z',
      request: {
        kind: 'revoke',
        identity: { type: 'role', name: 'old-etl' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        justification: 'the ETL job was retired last quarter',
      },
    },
    BOB,
    '2026-02-26T09:00:00.000Z',
  );
  const pending = aDecision({
    id: SEEDED.pending,
    identityKey: 'role/reports',
    createdAt: '2026-02-27T08:00:00.000Z',
    updatedAt: '2026-02-27T08:00:00.000Z',
    history: [{ at: '2026-02-27T08:00:00.000Z', actor: ALICE, action: 'submitted', version: 1 }],
  });
  return [
    grant,
    breakGlass,
    revoke,
    pending,
    exception(
      SEEDED.exceptionActive,
      'legacy-app',
      'team-legacy',
      '2026-01-01T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
      'approved',
    ),
    exception(
      SEEDED.exceptionOverdue,
      'batch-runner',
      'team-data',
      '2025-11-01T00:00:00.000Z',
      '2026-02-20T00:00:00.000Z',
      'approved',
    ),
    exception(
      SEEDED.exceptionExpired,
      'build-bot',
      'team-platform',
      '2025-06-01T00:00:00.000Z',
      '2025-12-01T00:00:00.000Z',
      'expired',
    ),
  ];
}

export function seededExecutions() {
  const step = (
    decisionId: string,
    identityKey: string,
    version: number,
    api: string,
    at: string,
    kind = 'grant',
  ) =>
    anExecution({
      decisionId,
      decisionVersion: version,
      step: 0,
      action: api
        .replace('iam:', '')
        .replace(/([a-z])([A-Z])/g, '$1-$2')
        .toLowerCase(),
      kind: kind as never,
      identityKey,
      calls: [{ api, target: identityKey, outcome: 'ok', at, durationMs: 150 }],
      startedAt: at,
      finishedAt: at,
      decidedAt: undefined,
      latencyMs: undefined,
    });
  const complete = (
    decisionId: string,
    identityKey: string,
    version: number,
    decidedAt: string,
    finishedAt: string,
    kind = 'grant',
    status: 'succeeded' | 'failed' = 'succeeded',
  ) =>
    anExecution({
      decisionId,
      decisionVersion: version,
      step: 1,
      action: 'complete',
      kind: kind as never,
      status,
      identityKey,
      calls: [],
      startedAt: finishedAt,
      finishedAt,
      decidedAt,
      latencyMs: Date.parse(finishedAt) - Date.parse(decidedAt),
    });
  return [
    // A grant: 2 minutes 30 seconds from approval to grant.
    step(SEEDED.grant, 'role/payments-batch', 2, 'iam:AttachRolePolicy', '2026-02-20T10:02:00.000Z'),
    complete(SEEDED.grant, 'role/payments-batch', 2, '2026-02-20T10:00:00.000Z', '2026-02-20T10:02:30.000Z'),
    // Break-glass: granted in 30 s, removed 45 s after its revoke.
    step(
      SEEDED.breakGlass,
      'role/oncall',
      2,
      'iam:AttachRolePolicy',
      '2026-02-25T08:00:20.000Z',
      'break-glass',
    ),
    complete(
      SEEDED.breakGlass,
      'role/oncall',
      2,
      '2026-02-25T08:00:00.000Z',
      '2026-02-25T08:00:30.000Z',
      'break-glass',
    ),
    step(
      SEEDED.breakGlass,
      'role/oncall',
      3,
      'iam:DetachRolePolicy',
      '2026-02-25T09:00:40.000Z',
      'break-glass',
    ),
    complete(
      SEEDED.breakGlass,
      'role/oncall',
      3,
      '2026-02-25T09:00:00.000Z',
      '2026-02-25T09:00:45.000Z',
      'break-glass',
    ),
    // A revoke: 5 minutes to remove.
    step(SEEDED.revoke, 'role/old-etl', 2, 'iam:DetachRolePolicy', '2026-02-26T09:04:00.000Z', 'revoke'),
    complete(
      SEEDED.revoke,
      'role/old-etl',
      2,
      '2026-02-26T09:00:00.000Z',
      '2026-02-26T09:05:00.000Z',
      'revoke',
    ),
    // An IAM change whose decision does not exist: must show up as drift.
    step(SEEDED.ghost, 'role/shadow', 2, 'iam:PutRolePolicy', '2026-02-27T03:00:00.000Z'),
    // A forged event refused by the executor: no IAM change.
    anExecution({
      decisionId: SEEDED.pending,
      decisionVersion: 1,
      step: 0,
      action: 'verify-decision',
      status: 'refused',
      identityKey: 'role/reports',
      calls: [],
      startedAt: '2026-02-28T01:00:00.000Z',
      finishedAt: '2026-02-28T01:00:00.000Z',
      decidedAt: undefined,
      latencyMs: undefined,
      error: 'decision is pending, not approved',
    }),
  ];
}

export function seededFindings() {
  return [
    aFinding({
      type: 'stale-role',
      identityKey: 'role/old-etl',
      severity: 'medium',
      owner: 'team-data',
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-03-01T06:00:00.000Z',
    }),
    aFinding({
      type: 'unrotated-access-key',
      identityKey: 'user/ci',
      severity: 'high',
      owner: 'team-platform',
      title: 'access key older than 90 days',
      firstSeen: '2026-02-15T00:00:00.000Z',
      lastSeen: '2026-03-01T06:00:00.000Z',
      evidence: { keyAgeDays: 104 },
    }),
    aFinding({
      type: 'unapproved-access',
      identityKey: 'role/shadow',
      severity: 'high',
      owner: undefined,
      title: 'AdministratorAccess attached with no decision',
      firstSeen: '2026-02-27T06:00:00.000Z',
      lastSeen: '2026-03-01T06:00:00.000Z',
      evidence: { attachment: 'managed-policy:arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
    aFinding({
      type: 'forged-event',
      identityKey: `decision/${SEEDED.pending}`,
      identityArn: undefined,
      severity: 'critical',
      owner: undefined,
      source: 'provisioning',
      title: 'DecisionApproved event for a pending decision',
      firstSeen: '2026-02-28T01:00:00.000Z',
      lastSeen: '2026-02-28T01:00:00.000Z',
      evidence: { decisionId: SEEDED.pending, eventVersion: 2 },
    }),
    aFinding({
      type: 'stale-role',
      identityKey: 'role/gone',
      severity: 'medium',
      status: 'resolved',
      owner: 'team-data',
      firstSeen: '2026-01-15T00:00:00.000Z',
      lastSeen: '2026-02-09T00:00:00.000Z',
      resolvedAt: '2026-02-10T00:00:00.000Z',
    }),
    aFinding({
      type: 'human-use-of-nhi',
      identityKey: 'role/legacy-app',
      severity: 'high',
      status: 'suppressed',
      owner: 'team-legacy',
      suppressedBy: SEEDED.exceptionActive,
      firstSeen: '2026-01-02T00:00:00.000Z',
      lastSeen: '2026-03-01T06:00:00.000Z',
      frameworks: FRAMEWORKS['human-use-of-nhi'],
    }),
  ];
}

export function seededCampaigns(): { campaign: Campaign; items: ReviewItem[] }[] {
  const campaign = (
    id: string,
    name: string,
    dueAt: string,
    itemCount: number,
    completedCount: number,
  ): Campaign => ({
    id,
    name,
    scope: { pathPrefix: '/nhi/' },
    createdBy: BOB,
    createdAt: '2026-02-01T00:00:00.000Z',
    dueAt,
    status: 'open',
    policyVersion: 'sha256:policy-v7',
    itemCount,
    completedCount,
    version: 1 + completedCount,
  });
  const item = (
    campaignId: string,
    n: number,
    identityKey: string,
    outcome: ReviewItem['outcome'],
  ): ReviewItem => ({
    campaignId,
    itemId: `item-${n}`,
    identityKey,
    entitlementKey: 'managed-policy:arn:aws:iam::aws:policy/ReadOnlyAccess',
    owner: 'team-payments',
    outcome,
    ...(outcome === 'pending' ? {} : { reviewer: CAROL, reviewedAt: '2026-02-10T00:00:00.000Z' }),
    version: outcome === 'pending' ? 1 : 2,
  });
  return [
    {
      campaign: campaign(SEEDED.campaignOverdue, 'Q1 payments review', '2026-02-25T00:00:00.000Z', 3, 1),
      items: [
        item(SEEDED.campaignOverdue, 1, 'role/payments-batch', 'keep'),
        item(SEEDED.campaignOverdue, 2, 'role/payments-api', 'pending'),
        item(SEEDED.campaignOverdue, 3, 'user/payments-export', 'pending'),
      ],
    },
    {
      campaign: campaign(SEEDED.campaignOpen, 'Q1 platform review', '2026-03-20T00:00:00.000Z', 2, 1),
      items: [
        item(SEEDED.campaignOpen, 1, 'user/ci', 'revoke'),
        item(SEEDED.campaignOpen, 2, 'role/oncall', 'pending'),
      ],
    },
  ];
}

/** Daily snapshots of three days, as the scanner stores them. */
export function seededMetrics(): MetricsSnapshot[] {
  return ['2026-02-27', '2026-02-28', '2026-03-01'].map((day, i) => ({
    schemaVersion: 1,
    day,
    takenAt: `${day}T06:00:00.000Z`,
    scan: { source: 'snapshot', identities: 40, nhis: 30 },
    governance: {
      reviewCompletion: { inScope: 30, reviewed: 20, overdue: 10, rate: 2 / 3 },
      exceptionAge: { active: 2, medianDays: 60, maxDays: 120, expired: 1 },
      openFindings: { total: 2 + i, byType: {}, bySeverity: { high: 1 + i, medium: 1 } },
      suppressedFindings: 1,
      policyViolations: { deniedAttempts: i, deniedByCode: {}, unapprovedAccess: 1 },
    },
    provisioning: { timeToGrant: { count: 0 }, timeToRemove: { count: 0 }, failed: 0 },
  }));
}

/** Writes the whole scenario through the stores, as governance, the executors and the scanners would. */
export async function seed(stores: Stores, options: { metrics?: boolean } = {}): Promise<void> {
  for (const d of seededDecisions()) await stores.decisions.create(d);
  await stores.decisions.recordDeniedAttempt({
    decisionId: SEEDED.pending,
    at: '2026-02-27T09:00:00.000Z',
    actor: ALICE,
    action: 'approve',
    code: 'SEPARATION_OF_DUTIES',
    reason: `${ALICE} requested decision ${SEEDED.pending} and cannot approve it`,
  });
  await stores.decisions.recordDeniedAttempt({
    decisionId: SEEDED.pending,
    at: '2026-02-28T10:00:00.000Z',
    actor: DAVE,
    action: 'approve',
    code: 'POLICY_DENIED',
    reason: 'tier high needs an approver from security-approvers',
  });
  for (const e of seededExecutions()) await stores.executions.append(e);
  for (const f of seededFindings()) await stores.findings.put(f);
  const campaigns = new DynamoCampaignStore(stores.doc, stores.names.decisions);
  for (const { campaign, items } of seededCampaigns()) await campaigns.create(campaign, items);
  if (options.metrics) for (const m of seededMetrics()) await stores.findings.putMetrics(m);
}

/** Stores over a client and test tables. */
export function testStores(client: DynamoDBClient, names: TableNames): Stores {
  return storesFor(client, names);
}
