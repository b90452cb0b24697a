import type { CallOutcome } from '../../../ports/iam-admin.js';
import type { ChangeAction, PlannedChange } from '../changes.js';
import type { ApplyContext, ChangeApplier } from './applier.js';
import { applyAttachPolicy } from './attach-policy.js';
import { applyCancelRevokeSchedule } from './cancel-revoke-schedule.js';
import { applyCreateAccessKey } from './create-access-key.js';
import { applyCreateRole } from './create-role.js';
import { applyCreateUser } from './create-user.js';
import { applyDeactivateMfaDevice } from './deactivate-mfa-device.js';
import { applyDeleteAccessKey } from './delete-access-key.js';
import { applyDeleteIdentity } from './delete-identity.js';
import { applyDeleteInlinePolicy } from './delete-inline-policy.js';
import { applyDeleteKeySecret } from './delete-key-secret.js';
import { applyDeleteLoginProfile } from './delete-login-profile.js';
import { applyDeleteServiceSpecificCredential } from './delete-service-specific-credential.js';
import { applyDeleteSigningCertificate } from './delete-signing-certificate.js';
import { applyDeleteSshPublicKey } from './delete-ssh-public-key.js';
import { applyDeleteVirtualMfaDevice } from './delete-virtual-mfa-device.js';
import { applyDetachPolicy } from './detach-policy.js';
import { applyPutInlinePolicy } from './put-inline-policy.js';
import { applyRemoveFromGroup } from './remove-from-group.js';
import { applyRemoveFromInstanceProfile } from './remove-from-instance-profile.js';
import { applyScheduleRevoke } from './schedule-revoke.js';

export type { ApplyContext, ChangeApplier } from './applier.js';

/**
 * The applier of every change action, one file each: the compiler refuses an action of
 * `PlannedChange` without its applier here.
 */
export const APPLIERS: { readonly [A in ChangeAction]: ChangeApplier<A> } = {
  'create-role': applyCreateRole,
  'create-user': applyCreateUser,
  'create-access-key': applyCreateAccessKey,
  'attach-policy': applyAttachPolicy,
  'detach-policy': applyDetachPolicy,
  'put-inline-policy': applyPutInlinePolicy,
  'delete-inline-policy': applyDeleteInlinePolicy,
  'delete-access-key': applyDeleteAccessKey,
  'delete-login-profile': applyDeleteLoginProfile,
  'remove-from-group': applyRemoveFromGroup,
  'deactivate-mfa-device': applyDeactivateMfaDevice,
  'delete-virtual-mfa-device': applyDeleteVirtualMfaDevice,
  'delete-signing-certificate': applyDeleteSigningCertificate,
  'delete-ssh-public-key': applyDeleteSshPublicKey,
  'delete-service-specific-credential': applyDeleteServiceSpecificCredential,
  'remove-from-instance-profile': applyRemoveFromInstanceProfile,
  'delete-identity': applyDeleteIdentity,
  'delete-key-secret': applyDeleteKeySecret,
  'schedule-revoke': applyScheduleRevoke,
  'cancel-revoke-schedule': applyCancelRevokeSchedule,
};

/** Makes one planned change happen through its action's applier. */
export function applyChange(change: PlannedChange, context: ApplyContext): Promise<CallOutcome> {
  const apply = APPLIERS[change.action] as ChangeApplier<ChangeAction>;
  return apply(change, context);
}
