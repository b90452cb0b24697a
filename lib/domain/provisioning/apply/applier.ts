import type { CallOutcome, IamAdmin } from '../../../ports/iam-admin.js';
import type { RevokeScheduler } from '../../../ports/revoke-scheduler.js';
import type { SecretVault } from '../../../ports/secret-vault.js';
import type { Decision } from '../../decision.js';
import type { IdentityRef } from '../../identity.js';
import type { CallLog } from '../call-log.js';
import type { ChangeAction, PlannedChange } from '../changes.js';

/** What an applier may use: the executor's ports, the step's call log, and the decision it executes. */
export interface ApplyContext {
  readonly iam: IamAdmin;
  readonly vault: SecretVault;
  readonly scheduler: RevokeScheduler;
  /** The step's log: every call goes through it, with its retries, into the execution record. */
  readonly log: CallLog;
  readonly decision: Decision;
  readonly managedPath: string;
  /** Recovery window of a deleted user's key secret. */
  readonly secretRecoveryWindowDays: number;
}

/** The planned change of one action. */
export type ChangeOf<A extends ChangeAction> = Extract<PlannedChange, { action: A }>;

/** Makes one planned change happen (idempotently) and says how: `ok` or `already-done`. */
export type ChangeApplier<A extends ChangeAction> = (
  change: ChangeOf<A>,
  context: ApplyContext,
) => Promise<CallOutcome>;

/** `Role` or `User`, as IAM's API names spell it (`iam:AttachRolePolicy`). */
export const iamName = (ref: IdentityRef) => (ref.type === 'role' ? 'Role' : 'User');

/** Makes the call unless the plan saw its effect in place already (then logs it as skipped). */
export function callUnlessDone(
  change: PlannedChange,
  log: CallLog,
  api: string,
  call: () => Promise<CallOutcome>,
): Promise<CallOutcome> {
  if (change.alreadyDone) return Promise.resolve(log.skip(api, change.target));
  return log.run(api, change.target, call);
}
