import type { ChangeApplier } from './applier.js';

/** `delete-signing-certificate`: Deletes a user's signing certificate. */
export const applyDeleteSigningCertificate: ChangeApplier<'delete-signing-certificate'> = (c, { iam, log }) =>
  log.run('iam:DeleteSigningCertificate', c.target, () =>
    iam.deleteSigningCertificate(c.identity.name, c.certificateId),
  );
