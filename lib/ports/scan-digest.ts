import type { StoredFindingSummary, StoredSummaryPage } from './metrics-store.js';

/**
 * One active (open or suppressed) scanner finding of an account as the digest keeps it: what a scan's
 * merge needs of it (`StoredFindingSummary` without source and status, which are implied).
 */
export type DigestEntry = Omit<StoredFindingSummary, 'source' | 'status'>;

/**
 * A scan's claim on the writes of one account (#16 point 1, re-scan without reading every finding).
 * While a claim is held no other claim of the account is exclusive, so at most one scan at a time
 * reads or writes the account's digest.
 */
export interface WriteClaim {
  /**
   * The account's digest, a page per stored part in merge order, when it was valid at the claim: no
   * finding was written since the scan that committed it, by a scan or by any other writer. The pages
   * list only the account's active scanner findings; any other finding is looked up by key.
   */
  readonly pages?: AsyncIterable<StoredSummaryPage>;
  /** Whether no other scan of the account was writing at the claim: only then is a digest kept. */
  readonly exclusive: boolean;
  /**
   * Stores part of the new digest (entries in merge order, after every entry given before); only on an
   * exclusive claim, in other parts than `pages` reads.
   */
  append(entries: readonly DigestEntry[]): Promise<void>;
  /**
   * Ends the claim. With `complete`, commits the appended digest if no other scan claimed the account
   * and no other writer wrote a finding since the claim; otherwise the account keeps no digest and the
   * next scan reads every stored summary. Returns whether a digest was committed.
   */
  release(complete: boolean): Promise<boolean>;
  /** Throws once the claim's lease has run out: a scan past it must stop writing. */
  assertLive(): void;
}

/** Where scans keep a compact digest of each account's active findings, so a re-scan reads O(changes). */
export interface ScanDigests {
  /** Claims the account's writes (after the scan is recorded) and hands over its digest if valid. */
  claim(accountId: string): Promise<WriteClaim>;
}
