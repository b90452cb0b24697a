import type { Finding } from '../domain/finding.js';
import type { MetricsSnapshot } from '../domain/metrics.js';

/** Where each scan keeps the day's metrics snapshot, and where reports read them. */
export interface MetricsStore {
  /** Stores the snapshot of its day, replacing an earlier one of the same day. */
  putMetrics(snapshot: MetricsSnapshot): Promise<void>;

  /** Snapshots of the days from `from` to `to` (`YYYY-MM-DD`, inclusive), oldest first. */
  listMetrics(from: string, to: string): Promise<MetricsSnapshot[]>;
}

/** Bulk access to findings, so a scan of thousands of identities is not a round trip per finding. */
export interface FindingBatch {
  /** The stored findings with these ids; missing ids are simply absent from the result. */
  getMany(ids: readonly string[]): Promise<Finding[]>;

  /** Writes many findings (create or replace), retrying what the store leaves unprocessed. */
  putMany(findings: readonly Finding[]): Promise<void>;

  /** The open and suppressed findings of one account (what its scan may resolve). */
  listActiveInAccount(accountId: string): Promise<Finding[]>;

  /** Open and suppressed scanner findings stored without an account, before accounts were kept. */
  listUnscopedActive(): Promise<Finding[]>;
}
