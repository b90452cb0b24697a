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

/** One page of an account's stored findings, summarized, in merge order. */
export interface StoredSummaryPage {
  readonly summaries: readonly StoredFindingSummary[];
  /** The merge key of the page's last finding: every stored finding up to it is in this or an earlier page. */
  readonly through: string;
  /**
   * False when the page lists only the account's active scanner findings (a scan's digest): any other
   * stored finding in its range is then looked up by key (`getSummaries`). Default true.
   */
  readonly complete?: boolean;
}

/** Bulk access to findings, so a scan of thousands of identities is not a round trip per finding. */
export interface FindingBatch {
  /**
   * The stored findings with these ids; missing ids are simply absent from the result.
   * @param options.latestScans the as-of of each account's latest scan to report a `lastSeen` that
   *   follows the scans against (default: the scan log's, at the time of the read). A scan reads the
   *   findings it resolves after recording itself, against the scans before it.
   */
  getMany(
    ids: readonly string[],
    options?: { readonly latestScans?: ReadonlyMap<string, string> },
  ): Promise<Finding[]>;

  /** Writes many findings (create or replace) as given, retrying what the store leaves unprocessed. */
  putMany(findings: readonly Finding[]): Promise<void>;

  /**
   * Writes findings a scan of their account saw at its as-of (their `lastSeen`). While they stay open
   * or suppressed, each later scan of the account sees them again without rewriting them: the store
   * reports the account's latest scan as their `lastSeen` (and renders a dated title at it).
   */
  putSeen(findings: readonly Finding[]): Promise<void>;

  /**
   * Every finding of one account (open, suppressed and resolved), summarized for a scan's merge (no
   * evidence read), a page at a time in `mergeKey` order (UTF-8 bytes, `compareUtf8`): each page says
   * `through`, the merge key of its last finding, so the merge can finish every finding up to it and
   * drop the page before reading the next.
   */
  summaryPages(accountId: string): AsyncIterable<StoredSummaryPage>;

  /** The stored findings with these ids, summarized (strongly consistent); missing ids are absent. */
  getSummaries(ids: readonly string[]): Promise<StoredFindingSummary[]>;

  /** Open and suppressed scanner findings stored without an account, before accounts were kept. */
  listUnscopedActive(): Promise<Finding[]>;
}
