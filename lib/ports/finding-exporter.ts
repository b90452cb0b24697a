import type { Finding } from '../domain/finding.js';

/** Sends findings to a security team's own console (AWS Security Hub). Optional: off unless configured. */
export interface FindingExporter {
  /**
   * Sends the findings of one scan, open, suppressed and resolved, as creates or updates of the same
   * records (one per finding id). `at` is the scan's time: the records' update time.
   * @throws AppError `FINDING_EXPORT_FAILED` when some could not be sent after retries (ids and codes named).
   */
  export(findings: readonly Finding[], at: string): Promise<{ readonly sent: number }>;
}
