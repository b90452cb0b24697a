import type { ChangeApplier } from './applier.js';

/** `remove-from-instance-profile`: Takes a role out of an instance profile. */
export const applyRemoveFromInstanceProfile: ChangeApplier<'remove-from-instance-profile'> = (
  c,
  { iam, log },
) =>
  log.run('iam:RemoveRoleFromInstanceProfile', c.target, () =>
    iam.removeRoleFromInstanceProfile(c.identity.name, c.instanceProfileName),
  );
