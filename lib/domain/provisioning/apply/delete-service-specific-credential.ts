import type { ChangeApplier } from './applier.js';

/** `delete-service-specific-credential`: Deletes a user's service-specific credential. */
export const applyDeleteServiceSpecificCredential: ChangeApplier<'delete-service-specific-credential'> = (
  c,
  { iam, log },
) =>
  log.run('iam:DeleteServiceSpecificCredential', c.target, () =>
    iam.deleteServiceSpecificCredential(c.identity.name, c.credentialId),
  );
