import type { Approval, Decision } from '../domain/decision.js';
import type { DecisionStore } from './decision-store.js';

/** A second decision written in the same transaction, e.g. the grant an approved revoke ends. */
export interface RelatedUpdate {
  readonly next: Decision;
  readonly expectedVersion: number;
}

/**
 * What the governance use cases need of the decisions table: the DecisionStore plus atomic
 * two-decision updates and the task-token bookkeeping of the Step Functions callback.
 */
export interface GovernanceStore extends DecisionStore {
  /**
   * As DecisionStore.update; with `related`, also replaces that decision (conditioned on its version) in
   * the same transaction, so an approved revoke and the grant it ends never disagree.
   * @throws NotFoundError / ConflictError as DecisionStore.update; nothing is written.
   */
  update(
    next: Decision,
    expectedVersion: number,
    options?: { approval?: Approval; related?: RelatedUpdate },
  ): Promise<void>;

  /**
   * Removes a decision's task token if it is still `token`, without changing the decision's version
   * (executors compare versions; answering a workflow is not a decision change).
   * @returns false when the token was already gone or different.
   */
  clearTaskToken(decisionId: string, token: string): Promise<boolean>;

  /**
   * Creates a decision together with a claim on `claimOn` (another decision's id) for `purpose`, in
   * one transaction: at most one decision ever holds a given claim, whatever its id. Used for the
   * system revoke of a grant, whose id is random (unguessable) yet filed at most once.
   * @throws ClaimTakenError (a ConflictError) naming the decision that holds the claim; nothing is written.
   */
  createWithClaim(decision: Decision, claimOn: string, purpose: string): Promise<void>;

  /** The id of the decision holding the claim on `claimOn` for `purpose`, if any. */
  claimHolder(claimOn: string, purpose: string): Promise<string | undefined>;
}
