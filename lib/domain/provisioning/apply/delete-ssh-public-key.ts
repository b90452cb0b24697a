import type { ChangeApplier } from './applier.js';

/** `delete-ssh-public-key`: Deletes a user's SSH public key. */
export const applyDeleteSshPublicKey: ChangeApplier<'delete-ssh-public-key'> = (c, { iam, log }) =>
  log.run('iam:DeleteSSHPublicKey', c.target, () =>
    iam.deleteSshPublicKey(c.identity.name, c.sshPublicKeyId),
  );
