import type { ChangeApplier } from './applier.js';

/** `delete-virtual-mfa-device`: Deletes a virtual MFA device once it is deactivated. */
export const applyDeleteVirtualMfaDevice: ChangeApplier<'delete-virtual-mfa-device'> = (c, { iam, log }) =>
  log.run('iam:DeleteVirtualMFADevice', c.target, () => iam.deleteVirtualMfaDevice(c.serialNumber));
