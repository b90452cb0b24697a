import { identityKey } from '../../identity.js';
import { ProvisioningFailedError } from '../errors.js';
import type { ChangeApplier } from './applier.js';

/** `deactivate-mfa-device`: deactivates one MFA device of a user being deleted (live state has its serial). */
export const applyDeactivateMfaDevice: ChangeApplier<'deactivate-mfa-device'> = async (c, { iam, log }) => {
  const serial = c.serialNumber;
  if (!serial)
    throw new ProvisioningFailedError(`MFA device of ${identityKey(c.identity)} has no serial number`);
  return log.run('iam:DeactivateMFADevice', c.target, () => iam.deactivateMfaDevice(c.identity.name, serial));
};
