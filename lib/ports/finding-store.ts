import type { Finding, FindingStatus, FindingType } from '../domain/finding.js';
import type { Severity } from '../domain/primitives.js';

/** Where scanners and executors keep findings. */
export interface FindingStore {
  /** Writes a finding as given (create or replace); callers merge with the stored one first. */
  put(finding: Finding): Promise<void>;

  get(id: string): Promise<Finding | undefined>;

  /** Findings in a status, by type then oldest first; optionally only one type. */
  listByStatus(status: FindingStatus, type?: FindingType): Promise<Finding[]>;

  /** Findings of one owner, optionally in one status. */
  listByOwner(owner: string, status?: FindingStatus): Promise<Finding[]>;

  /** Every finding about one identity key: in one account when given, else in every account. */
  listByIdentity(identityKey: string, accountId?: string): Promise<Finding[]>;
}

/** What a report asks of the findings: one status, and any of type, minimum severity, owner, account. */
export interface FindingFilter {
  readonly status: FindingStatus;
  readonly type?: FindingType;
  readonly minSeverity?: Severity;
  readonly owner?: string;
  readonly accountId?: string;
}

/** The reports' reads of findings: filters answered by the store's keys, a page at a time. */
export interface FindingQueries {
  /**
   * The findings that match every filter, a page at a time (in no particular order), so a caller that
   * only counts never holds them all. The store answers the filters with its index keys, so what it
   * reads grows with the answer, not with the table.
   */
  pagesOf(filter: FindingFilter): AsyncIterable<readonly Finding[]>;
}
