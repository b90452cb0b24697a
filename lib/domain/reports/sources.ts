import type { CampaignStore } from '../../ports/campaign-store.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingQueries, FindingStore } from '../../ports/finding-store.js';
import type { ScanLog } from '../../ports/scan-log.js';
import type { Decision } from '../decision.js';
import type { ExecutionRecord } from '../execution.js';
import type { MetricsSnapshot } from '../metrics.js';
import type { ProgressFn, ReportWindow } from './common.js';
import { daysInRange } from './stats.js';

/**
 * What the reports read, and only through the tables' indexes: every method here is a Query on a key
 * or an index, or a GetItem. None is a Scan, so a report costs the same on a table of a million items
 * as on a small one, apart from what it returns.
 */
export interface ReportSources {
  readonly decisions: Pick<
    DecisionStore,
    'get' | 'listExpiringBefore' | 'listByIdentity' | 'listDeniedAttempts' | 'listDeniedAttemptsSince'
  >;
  readonly executions: Pick<ExecutionTrail, 'listForDecision' | 'listForIdentity' | 'listForDay'>;
  readonly findings: Pick<FindingStore, 'listByStatus' | 'listByOwner' | 'listByIdentity'> & FindingQueries;
  /** Daily metrics snapshots (findings table, `pk = METRICS`), one per day a scan ran, when the store offers them. */
  readonly metrics?: { listMetrics(from: string, to: string): Promise<readonly MetricsSnapshot[]> };
  /** Each account's latest scan (the scan log), for "when did the last scan run", when the store offers it. */
  readonly scans?: Pick<ScanLog, 'listLatestScans'>;
  /** Certification campaigns, when the store offers them. */
  readonly campaigns?: Pick<CampaignStore, 'listByStatus' | 'listItems'>;
}

export interface QueryOptions {
  readonly now: Date;
  readonly progress?: ProgressFn;
}

/** One step per day is a Query on the executions table's by-day index; more than this is refused. */
export const MAX_WINDOW_DAYS = 366;

/** Far enough in the future to list every time-bound decision on the by-expiry index. */
export const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Reads the decisions with these ids (GetItem each), skipping ids that do not exist. */
export async function decisionsById(
  sources: ReportSources,
  ids: Iterable<string>,
  progress?: ProgressFn,
): Promise<Map<string, Decision>> {
  const unique = [...new Set(ids)];
  let done = 0;
  const found = await mapLimit(unique, 8, async (id) => {
    const decision = await sources.decisions.get(id);
    progress?.(++done, unique.length, `reading decision ${id}`);
    return decision;
  });
  return new Map(found.filter((d): d is Decision => d !== undefined).map((d) => [d.id, d]));
}

/** The executions finished in a window: one by-day Query per UTC day. */
export async function executionsInWindow(
  sources: ReportSources,
  window: ReportWindow,
  progress?: ProgressFn,
): Promise<ExecutionRecord[]> {
  const days = daysInRange(new Date(window.since), new Date(window.until));
  // Days finish out of order (four at a time): count finished days, so the counter only goes up.
  let done = 0;
  const perDay = await mapLimit(days, 4, async (day) => {
    const records = await sources.executions.listForDay(day);
    progress?.(++done, days.length, `reading executions of ${day}`);
    return records;
  });
  return perDay.flat().filter((r) => r.finishedAt >= window.since && r.finishedAt <= window.until);
}
