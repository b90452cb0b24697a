import type { Finding, FindingStatus, FindingType } from '../domain/finding.js';

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
