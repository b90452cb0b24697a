import type { ChangeApplier } from './applier.js';

/** `remove-from-group`: Takes a user out of a group. */
export const applyRemoveFromGroup: ChangeApplier<'remove-from-group'> = (c, { iam, log }) =>
  log.run('iam:RemoveUserFromGroup', c.target, () => iam.removeUserFromGroup(c.identity.name, c.groupName));
