import { identityKey } from '../../identity.js';
import { ProvisioningFailedError } from '../errors.js';
import type { ChangeApplier } from './applier.js';

/** `delete-access-key`: deletes one access key of a user being deleted (live state always has its id). */
export const applyDeleteAccessKey: ChangeApplier<'delete-access-key'> = async (c, { iam, log }) => {
  const keyId = c.accessKeyId;
  if (!keyId) throw new ProvisioningFailedError(`access key of ${identityKey(c.identity)} has no id`);
  return log.run('iam:DeleteAccessKey', c.target, () => iam.deleteAccessKey(c.identity.name, keyId));
};
