import type { Decision } from '../../decision.js';
import { COMPLETE_ACTION, type ExecutionRecord } from '../../execution.js';
import type { RequestKind } from '../../request.js';
import type { ReportWindow } from '../common.js';
import { distribution } from '../stats.js';

/**
 * What an execution did to access: `grant` (grant, break-glass, create-identity: time to grant),
 * `remove` (revoke, delete-identity, and a grant's revoked or expired version: time to remove) or
 * `rotate` (key rotation).
 */
export type Direction = 'grant' | 'remove' | 'rotate';
export const DIRECTIONS: readonly Direction[] = ['grant', 'remove', 'rotate'];

export interface ProvisioningRow {
  readonly decisionId: string;
  readonly decisionVersion: number;
  readonly kind: RequestKind;
  readonly direction: Direction;
  readonly status: ExecutionRecord['status'];
  readonly identityKey: string;
  readonly decidedAt: string | null;
  readonly finishedAt: string;
  /** Milliseconds from the decision (approval, or revoke/expiry) to the end of execution. */
  readonly latencyMs: number | null;
}

/** Latency statistics of one group of executions, in milliseconds; only succeeded ones are timed. */
export interface LatencyStats {
  readonly count: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
  readonly worstMs: number | null;
  /** The decision behind the worst latency, to look at with `nhi-gov report audit`. */
  readonly worstDecisionId: string | null;
}

export interface ProvisioningReport {
  readonly report: 'provisioning';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly window: ReportWindow;
  readonly byDirection: readonly ({ readonly direction: Direction } & LatencyStats)[];
  readonly byKind: readonly ({ readonly kind: RequestKind; readonly direction: Direction } & LatencyStats)[];
  readonly daily: readonly {
    readonly day: string;
    readonly direction: Direction;
    readonly count: number;
    readonly medianMs: number | null;
  }[];
  readonly executions: readonly ProvisioningRow[];
}

export interface ProvisioningReportInput {
  readonly now: Date;
  readonly window: ReportWindow;
  /** Execution records in the window; only `complete` records are counted (one per decision version). */
  readonly records: readonly ExecutionRecord[];
  /** The decisions behind them, by id, to tell a grant from the removal of a revoked or expired grant. */
  readonly decisions: ReadonlyMap<string, Decision>;
}

/** Tells time to grant from time to remove, reading the decision version the executor acted on. */
export function directionOf(record: ExecutionRecord, decision: Decision | undefined): Direction {
  if (record.kind === 'revoke' || record.kind === 'delete-identity') return 'remove';
  if (record.kind === 'rotate') return 'rotate';
  const entry = decision?.history.find((h) => h.version === record.decisionVersion);
  if (entry && (entry.action === 'revoked' || entry.action === 'expired')) return 'remove';
  return 'grant';
}

function latencyOf(record: ExecutionRecord): number | null {
  if (record.latencyMs !== undefined) return record.latencyMs;
  if (record.decidedAt === undefined) return null;
  return Math.max(0, Date.parse(record.finishedAt) - Date.parse(record.decidedAt));
}

/** Latency statistics of a group of rows. */
export function latencyStats(rows: readonly ProvisioningRow[]): LatencyStats {
  const timed = rows.filter(
    (r): r is ProvisioningRow & { latencyMs: number } => r.status === 'succeeded' && r.latencyMs !== null,
  );
  const d = distribution(timed.map((r) => r.latencyMs));
  const worst = timed.reduce<(typeof timed)[number] | undefined>(
    (w, r) => (w === undefined || r.latencyMs > w.latencyMs ? r : w),
    undefined,
  );
  return {
    count: rows.length,
    succeeded: rows.filter((r) => r.status === 'succeeded').length,
    failed: rows.filter((r) => r.status === 'failed').length,
    medianMs: d.median,
    p95Ms: d.p95,
    worstMs: d.max,
    worstDecisionId: worst?.decisionId ?? null,
  };
}

/** Time from approval to grant and from revoke to removal: median, p95 and worst, per kind. */
export function buildProvisioningReport(input: ProvisioningReportInput): ProvisioningReport {
  const rows: ProvisioningRow[] = input.records
    .filter(
      (r) =>
        r.action === COMPLETE_ACTION &&
        r.status !== 'refused' &&
        r.finishedAt >= input.window.since &&
        r.finishedAt <= input.window.until,
    )
    .map((r) => ({
      decisionId: r.decisionId,
      decisionVersion: r.decisionVersion,
      kind: r.kind,
      direction: directionOf(r, input.decisions.get(r.decisionId)),
      status: r.status,
      identityKey: r.identityKey,
      decidedAt: r.decidedAt ?? null,
      finishedAt: r.finishedAt,
      latencyMs: latencyOf(r),
    }))
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.decisionId.localeCompare(b.decisionId));

  const byDirection = DIRECTIONS.map((direction) => ({
    direction,
    ...latencyStats(rows.filter((r) => r.direction === direction)),
  })).filter((g) => g.count > 0);

  const kindKeys = [...new Set(rows.map((r) => `${r.direction}\u0000${r.kind}`))].sort(
    (a, b) =>
      DIRECTIONS.indexOf(a.split('\u0000')[0] as Direction) -
        DIRECTIONS.indexOf(b.split('\u0000')[0] as Direction) || a.localeCompare(b),
  );
  const byKind = kindKeys.map((key) => {
    const [direction, kind] = key.split('\u0000') as [Direction, RequestKind];
    return {
      kind,
      direction,
      ...latencyStats(rows.filter((r) => r.direction === direction && r.kind === kind)),
    };
  });

  const dayKeys = [...new Set(rows.map((r) => `${r.finishedAt.slice(0, 10)}\u0000${r.direction}`))].sort();
  const daily = dayKeys.map((key) => {
    const [day, direction] = key.split('\u0000') as [string, Direction];
    const group = rows.filter((r) => r.finishedAt.startsWith(day) && r.direction === direction);
    return { day, direction, count: group.length, medianMs: latencyStats(group).medianMs };
  });

  return {
    report: 'provisioning',
    asOf: input.now.toISOString(),
    window: input.window,
    byDirection,
    byKind,
    daily,
    executions: rows,
  };
}
