import type { Approval, Decision, DecisionStatus, DeniedAttempt } from '../domain/decision.js';

export interface ApprovalRecord extends Approval {
  readonly decisionId: string;
  readonly kind: Decision['kind'];
  readonly identityKey: string;
}

/** Where governance keeps its decisions. Implementations enforce optimistic locking. */
export interface DecisionStore {
  /**
   * Stores a new decision.
   * @throws ConflictError when a decision with that id exists.
   */
  create(decision: Decision): Promise<void>;

  /** Reads a decision; `consistent` asks for a strongly consistent read (executors always do). */
  get(id: string, options?: { consistent?: boolean }): Promise<Decision | undefined>;

  /**
   * Replaces a decision with its next version, only if the stored version is still `expectedVersion`.
   * With `approval`, records the approval in the same transaction, refusing a second approval by the
   * same principal on the same decision.
   * @throws NotFoundError when the decision does not exist.
   * @throws ConflictError on a stale version or a repeated approver; nothing is written.
   */
  update(next: Decision, expectedVersion: number, options?: { approval?: Approval }): Promise<void>;

  /** Keeps a refused attempt as evidence beside the decision. Never changes the decision itself. */
  recordDeniedAttempt(attempt: DeniedAttempt): Promise<void>;

  /** Refused attempts on one decision, oldest first. */
  listDeniedAttempts(decisionId: string): Promise<DeniedAttempt[]>;

  /** Refused attempts across all decisions at or after `since`, oldest first. */
  listDeniedAttemptsSince(since: string): Promise<DeniedAttempt[]>;

  /** Decisions in a status, oldest first. */
  listByStatus(status: DecisionStatus): Promise<Decision[]>;

  /** Time-bound decisions in a status whose expiry is at or before `before`, soonest first. */
  listExpiringBefore(status: DecisionStatus, before: string): Promise<Decision[]>;

  /**
   * Every decision about one identity key of one account, oldest first: those naming `accountId` and
   * those naming no account (one role name in two accounts is two identities). Without `accountId`,
   * the decisions naming no account.
   */
  listByIdentity(identityKey: string, accountId?: string): Promise<Decision[]>;

  /** Every approval one principal gave, oldest first. */
  listApprovalsBy(approver: string): Promise<ApprovalRecord[]>;
}
