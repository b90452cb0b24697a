import type { Finding } from '../domain/finding.js';
import type { MetricsSnapshot } from '../domain/metrics.js';

/** Where each scan keeps the day's metrics snapshot, and where reports read them. */
export interface MetricsStore {
  /** Stores the snapshot of its day, replacing an earlier one of the same day. */
  putMetrics(snapshot: MetricsSnapshot): Promise<void>;

  /** Snapshots of the days from `from` to `to` (`YYYY-MM-DD`, inclusive), oldest first. */
  listMetrics(from: string, to: string): Promise<MetricsSnapshot[]>;
}

/**
 * What a scan's merge needs of a stored finding of its account, without its title and evidence:
 * enough to keep `firstSeen` (also of a resolved finding that comes back), to decide what it resolves,
 * and to tell a changed finding from an unchanged one.
 */
export interface StoredFindingSummary {
  readonly id: string;
  readonly type: Finding['type'];
  readonly identityKey: string;
  readonly source: Finding['source'];
  readonly status: Finding['status'];
  readonly firstSeen: string;
  /** `findingDigest` of the stored content; absent on findings written before digests were kept. */
  readonly digest?: string;
  /** True when its `lastSeen` follows its account's scans (written by `putSeen`). */
  readonly seenWithScans: boolean;
}

/** Bulk access to findings, so a scan of thousands of identities is not a round trip per finding. */
export interface FindingBatch {
  /** The stored findings with these ids; missing ids are simply absent from the result. */
  getMany(ids: readonly string[]): Promise<Finding[]>;

  /** Writes many findings (create or replace) as given, retrying what the store leaves unprocessed. */
  putMany(findings: readonly Finding[]): Promise<void>;

  /**
   * Writes findings a scan of their account saw at its as-of (their `lastSeen`). While they stay open
   * or suppressed, each later scan of the account sees them again without rewriting them: the store
   * reports the account's latest scan as their `lastSeen` (and renders a dated title at it).
   */
  putSeen(findings: readonly Finding[]): Promise<void>;

  /** Every finding of one account (open, suppressed and resolved), summarized for a scan's merge (no evidence read). */
  listSummaries(accountId: string): Promise<StoredFindingSummary[]>;

  /** Open and suppressed scanner findings stored without an account, before accounts were kept. */
  listUnscopedActive(): Promise<Finding[]>;
}
