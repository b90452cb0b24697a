import type { Decision, DeniedAttempt } from '../decision.js';
import type { ExecutionRecord } from '../execution.js';
import { COMPLETE_ACTION } from '../execution.js';
import type { Finding } from '../finding.js';
import { type DurationStats, dayOf, durationStats, type MetricsSnapshot } from '../metrics.js';
import { DAY_MS } from '../primitives.js';

const GRANT_KINDS = new Set(['grant', 'create-identity', 'break-glass']);
const REMOVE_KINDS = new Set(['revoke', 'delete-identity']);

/** What the metrics are computed from; the scan gathers it. */
export interface MetricsInput {
  readonly asOf: Date;
  readonly source: MetricsSnapshot['scan']['source'];
  readonly identities: number;
  readonly nhis: number;
  /** NHIs under the managed path (certification scope) and how many of them are overdue. */
  readonly certificationScope: number;
  readonly certificationOverdue: number;
  /** Every finding after the scan (open, suppressed and resolved). */
  readonly findings: readonly Finding[];
  readonly activeExceptions: readonly Decision[];
  readonly expiredExceptions: number;
  readonly deniedAttempts: readonly DeniedAttempt[];
  /** Execution records of the snapshot's day. */
  readonly executions: readonly ExecutionRecord[];
}

const count = <K extends string>(keys: readonly K[]) => {
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

function latency(record: ExecutionRecord): number | undefined {
  if (record.latencyMs !== undefined) return record.latencyMs;
  if (!record.decidedAt) return undefined;
  return Math.max(0, Date.parse(record.finishedAt) - Date.parse(record.decidedAt));
}

function stats(records: readonly ExecutionRecord[], kinds: ReadonlySet<string>): DurationStats {
  return durationStats(
    records.flatMap((r) => {
      if (r.status !== 'succeeded' || !kinds.has(r.kind)) return [];
      const ms = latency(r);
      return ms === undefined ? [] : [ms];
    }),
  );
}

/** The day's governance and provisioning metrics. */
export function computeMetrics(input: MetricsInput): MetricsSnapshot {
  const open = input.findings.filter((f) => f.status === 'open');
  const ages = input.activeExceptions.map(
    (d) => (input.asOf.getTime() - Date.parse(d.decidedAt ?? d.createdAt)) / DAY_MS,
  );
  const ageStats = durationStats(ages);
  const reviewed = input.certificationScope - input.certificationOverdue;
  const completes = input.executions.filter((r) => r.action === COMPLETE_ACTION);
  const round = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 10) / 10);
  const medianDays = round(ageStats.medianMs);
  const maxDays = round(ageStats.maxMs);
  return {
    schemaVersion: 1,
    day: dayOf(input.asOf),
    takenAt: input.asOf.toISOString(),
    scan: { source: input.source, identities: input.identities, nhis: input.nhis },
    governance: {
      reviewCompletion: {
        inScope: input.certificationScope,
        reviewed,
        overdue: input.certificationOverdue,
        ...(input.certificationScope > 0 ? { rate: reviewed / input.certificationScope } : {}),
      },
      exceptionAge: {
        active: input.activeExceptions.length,
        ...(medianDays !== undefined ? { medianDays } : {}),
        ...(maxDays !== undefined ? { maxDays } : {}),
        expired: input.expiredExceptions,
      },
      openFindings: {
        total: open.length,
        byType: count(open.map((f) => f.type)),
        bySeverity: count(open.map((f) => f.severity)),
      },
      suppressedFindings: input.findings.filter((f) => f.status === 'suppressed').length,
      policyViolations: {
        deniedAttempts: input.deniedAttempts.length,
        deniedByCode: count(input.deniedAttempts.map((a) => a.code)) as Record<string, number>,
        unapprovedAccess: open.filter((f) => f.type === 'unapproved-access').length,
      },
    },
    provisioning: {
      timeToGrant: stats(completes, GRANT_KINDS),
      timeToRemove: stats(completes, REMOVE_KINDS),
      failed: completes.filter((r) => r.status === 'failed').length,
    },
  };
}
