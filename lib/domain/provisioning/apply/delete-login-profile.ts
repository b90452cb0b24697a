import type { ChangeApplier } from './applier.js';

/** `delete-login-profile`: Deletes a user's console password. */
export const applyDeleteLoginProfile: ChangeApplier<'delete-login-profile'> = (c, { iam, log }) =>
  log.run('iam:DeleteLoginProfile', c.target, () => iam.deleteLoginProfile(c.identity.name));
