import type { ScanRecord } from '../domain/scanning/scan-time.js';

/** Where scans record themselves, per account: the guard of "time moves forward" and the reports' "last scan". */
export interface ScanLog {
  /** The scan of this account with the latest as-of, if any. */
  latestScan(accountId: string): Promise<ScanRecord | undefined>;

  /** The latest scan of every account the store has scanned, by account id. */
  listLatestScans(): Promise<ScanRecord[]>;

  /**
   * Records a scan as the newest of its account, unless a scan with a later as-of is recorded
   * already (a concurrent or earlier run): then nothing is written and the answer is false.
   */
  recordScan(record: ScanRecord): Promise<boolean>;

  /** The scans of one account whose as-of lies between `from` and `to` (inclusive), oldest first. */
  listScans(accountId: string, from: string, to: string): Promise<ScanRecord[]>;
}
