import { type ChangeApplier, iamName } from './applier.js';

/** `delete-identity`: Deletes the role or user itself, after everything that would make IAM refuse is gone. */
export const applyDeleteIdentity: ChangeApplier<'delete-identity'> = (c, { iam, log }) =>
  log.run(`iam:Delete${iamName(c.identity)}`, c.target, () => iam.deleteIdentity(c.identity));
