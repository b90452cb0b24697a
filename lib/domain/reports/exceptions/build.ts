import type { Decision } from '../../decision.js';
import type { Severity } from '../../primitives.js';
import { median } from '../../stats.js';
import { bucketOf, countBy, daysBetween, daysUntil, EXCEPTION_AGE_BUCKETS } from '../stats.js';

/**
 * Where an exception stands: `active` (approved, before its expiry), `overdue` (approved but past its
 * expiry: the expiry sweep has not caught up, so it still suppresses findings) or `expired`.
 */
export type ExceptionState = 'active' | 'overdue' | 'expired';

export interface ExceptionRow {
  readonly decisionId: string;
  readonly state: ExceptionState;
  readonly identityKey: string;
  readonly owner: string;
  /** Who carries the risk (the risk acceptance's owner). */
  readonly riskOwner: string | null;
  readonly risk: string | null;
  readonly residualSeverity: Severity | null;
  readonly findingTypes: readonly string[];
  readonly compensatingControls: readonly string[];
  readonly approvedAt: string | null;
  readonly approvers: readonly string[];
  readonly expiresAt: string;
  /** Days until expiry (negative once past). */
  readonly daysToExpiry: number;
  /** Days in force: until now while active, until expiry once expired. */
  readonly ageDays: number;
  readonly renewalOf: string | null;
  readonly policyVersion: string;
}

export interface ExceptionsReport {
  readonly report: 'exceptions';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  /** Exceptions expiring within this many days count as "expiring soon". */
  readonly expiringWithinDays: number;
  readonly summary: {
    readonly active: number;
    readonly expiringSoon: number;
    readonly overdue: number;
    readonly expired: number;
    /** Median days in force of the active ones. */
    readonly medianActiveAgeDays: number | null;
    readonly oldestActiveAgeDays: number | null;
  };
  readonly byOwner: readonly {
    readonly owner: string;
    readonly active: number;
    readonly overdue: number;
    readonly expired: number;
    readonly nextExpiry: string | null;
  }[];
  readonly ageDistribution: readonly {
    readonly bucket: string;
    /** Active and overdue exceptions, by days in force so far. */
    readonly inForce: number;
    /** Expired exceptions, by how long they were in force. */
    readonly expired: number;
  }[];
  readonly exceptions: readonly ExceptionRow[];
}

export interface ExceptionsReportInput {
  readonly now: Date;
  readonly expiringWithinDays: number;
  /** Exception decisions, approved and expired; other kinds and statuses are ignored. */
  readonly decisions: readonly Decision[];
}

function exceptionRow(d: Decision, now: Date): ExceptionRow | undefined {
  if (d.kind !== 'exception' || d.request.kind !== 'exception') return undefined;
  if (d.status !== 'approved' && d.status !== 'expired') return undefined;
  const expiresAt = d.expiresAt ?? d.request.expiresAt;
  const past = Date.parse(expiresAt) <= now.getTime();
  const state: ExceptionState = d.status === 'expired' ? 'expired' : past ? 'overdue' : 'active';
  const approvedAt = d.decidedAt ?? null;
  const start = approvedAt ?? d.createdAt;
  const end = state === 'expired' ? new Date(expiresAt) : now;
  const risk = d.request.riskAcceptance;
  return {
    decisionId: d.id,
    state,
    identityKey: d.identityKey,
    // An exception's owner is its risk owner when it names no other.
    owner: d.owner ?? risk.owner,
    riskOwner: risk.owner,
    risk: risk.risk,
    residualSeverity: risk.residualSeverity,
    findingTypes: d.request.findingTypes,
    compensatingControls: risk.compensatingControls,
    approvedAt,
    approvers: d.approvals.map((a) => a.approver),
    expiresAt,
    daysToExpiry: daysUntil(expiresAt, now),
    ageDays: Math.max(0, daysBetween(start, end)),
    renewalOf: d.renewalOf ?? d.request.renewalOf ?? null,
    policyVersion: d.policyVersion,
  };
}

const STATE_ORDER: Record<ExceptionState, number> = { overdue: 0, active: 1, expired: 2 };

/** Active and expired exceptions: by owner, by days to expiry, and how old they are. */
export function buildExceptionsReport(input: ExceptionsReportInput): ExceptionsReport {
  const rows = input.decisions
    .map((d) => exceptionRow(d, input.now))
    .filter((r): r is ExceptionRow => r !== undefined)
    .sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        (a.state === 'expired'
          ? b.expiresAt.localeCompare(a.expiresAt)
          : a.expiresAt.localeCompare(b.expiresAt)) ||
        a.decisionId.localeCompare(b.decisionId),
    );
  const active = rows.filter((r) => r.state === 'active');
  const activeAges = active.map((r) => r.ageDays);

  const owners = [...new Set(rows.map((r) => r.owner))].sort();
  const byOwner = owners.map((owner) => {
    const mine = rows.filter((r) => r.owner === owner);
    const upcoming = mine
      .filter((r) => r.state !== 'expired')
      .map((r) => r.expiresAt)
      .sort();
    return {
      owner,
      active: mine.filter((r) => r.state === 'active').length,
      overdue: mine.filter((r) => r.state === 'overdue').length,
      expired: mine.filter((r) => r.state === 'expired').length,
      nextExpiry: upcoming[0] ?? null,
    };
  });

  const labels = EXCEPTION_AGE_BUCKETS.map((b) => b.label);
  const inForce = countBy(
    rows.filter((r) => r.state !== 'expired'),
    (r) => bucketOf(r.ageDays, EXCEPTION_AGE_BUCKETS),
    labels,
  );
  const ended = countBy(
    rows.filter((r) => r.state === 'expired'),
    (r) => bucketOf(r.ageDays, EXCEPTION_AGE_BUCKETS),
    labels,
  );

  return {
    report: 'exceptions',
    asOf: input.now.toISOString(),
    expiringWithinDays: input.expiringWithinDays,
    summary: {
      active: active.length,
      expiringSoon: active.filter((r) => r.daysToExpiry < input.expiringWithinDays).length,
      overdue: rows.filter((r) => r.state === 'overdue').length,
      expired: rows.filter((r) => r.state === 'expired').length,
      medianActiveAgeDays: median(activeAges),
      oldestActiveAgeDays: activeAges.length === 0 ? null : Math.max(...activeAges),
    },
    byOwner,
    ageDistribution: labels.map((bucket) => ({
      bucket,
      inForce: inForce.get(bucket) ?? 0,
      expired: ended.get(bucket) ?? 0,
    })),
    exceptions: rows,
  };
}
