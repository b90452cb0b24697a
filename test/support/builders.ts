import { randomUUID } from 'node:crypto';
import type { Decision } from '../../lib/domain/decision.js';
import type { ExecutionRecord } from '../../lib/domain/execution.js';
import { type Finding, FRAMEWORKS, findingId } from '../../lib/domain/finding.js';

export const ALICE = 'arn:aws:iam::111122223333:role/team-lead-alice';
export const BOB = 'arn:aws:iam::111122223333:role/security-approver-bob';
export const CAROL = 'arn:aws:iam::111122223333:role/security-approver-carol';

export const newTestId = () => `d-${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/** A pending grant decision; override any field. */
export function aDecision(overrides: Partial<Decision> = {}): Decision {
  const at = '2026-01-10T09:00:00.000Z';
  return {
    id: newTestId(),
    version: 1,
    status: 'pending',
    kind: 'grant',
    request: {
      kind: 'grant',
      identity: { type: 'role', name: 'payments-batch' },
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      justification: 'nightly reconciliation job reads the ledger',
    },
    identityKey: 'role/payments-batch',
    requester: ALICE,
    owner: 'team-payments',
    source: 'api',
    tier: 'low',
    requiredApprovals: 1,
    approvals: [],
    policyVersion: 'sha256:test',
    createdAt: at,
    updatedAt: at,
    history: [{ at, actor: ALICE, action: 'submitted', version: 1 }],
    ...overrides,
  };
}

export function anExecution(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    decisionId: newTestId(),
    decisionVersion: 2,
    step: 0,
    action: 'attach-role-policy',
    kind: 'grant',
    status: 'succeeded',
    identityKey: 'role/payments-batch',
    executor: 'arn:aws:sts::111122223333:assumed-role/nhi-gov-provision/fn',
    calls: [
      {
        api: 'iam:AttachRolePolicy',
        target: 'role/payments-batch',
        outcome: 'ok',
        at: '2026-01-10T09:05:00.000Z',
        durationMs: 120,
      },
    ],
    startedAt: '2026-01-10T09:05:00.000Z',
    finishedAt: '2026-01-10T09:05:01.000Z',
    decidedAt: '2026-01-10T09:04:00.000Z',
    latencyMs: 61_000,
    ...overrides,
  };
}

export function aFinding(overrides: Partial<Finding> = {}): Finding {
  const type = overrides.type ?? 'stale-role';
  const identityKey = overrides.identityKey ?? 'role/old-etl';
  return {
    id: findingId(type, identityKey),
    type,
    severity: 'medium',
    status: 'open',
    source: 'scanner',
    identityKey,
    identityArn: `arn:aws:iam::111122223333:${identityKey.replace('/', '/nhi/')}`,
    owner: 'team-data',
    title: 'role not used in 90 days',
    evidence: { lastUsed: null },
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    frameworks: FRAMEWORKS[type],
    ...overrides,
  };
}
