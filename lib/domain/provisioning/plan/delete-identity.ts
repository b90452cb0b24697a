import { change, isVirtualMfaSerial, type PlannedChange } from '../changes.js';
import { keySecretName } from '../guardrails.js';
import type { KindPlanner } from './shared.js';

/**
 * Deleting an identity removes, in the order IAM requires, everything that would make the delete
 * refuse: a user's console password, access keys, MFA devices (and the virtual ones themselves),
 * signing certificates, SSH keys, service-specific credentials and groups; a role's instance
 * profiles; then policies, the identity, and a user's key secret.
 */
export const planDeleteIdentity: KindPlanner<'delete-identity'> = ({ input, ref, key, changes }) => {
  const { state, guardrails: g } = input;
  const secretName = keySecretName(g.secretPrefix, ref.name);
  const secretGone = state?.keySecret ? !state.keySecret.exists : false;
  const deleteSecret = change({ action: 'delete-key-secret', identity: ref, secretName }, secretGone);
  const deleteVirtual = (serialNumber: string) =>
    change({ action: 'delete-virtual-mfa-device', identity: ref, serialNumber }, false);
  const deactivatedEarlier = ref.type === 'user' ? (input.deactivatedVirtualMfaDevices ?? []) : [];
  if (!state) {
    // A retry after DeleteUser still has the key secret (and any deactivated virtual device) to remove.
    return changes(ref.type === 'user' ? [...deactivatedEarlier.map(deleteVirtual), deleteSecret] : [], [
      `${key} does not exist`,
    ]);
  }
  const list: PlannedChange[] = [];
  if (ref.type === 'user') {
    if (state.hasLoginProfile) list.push(change({ action: 'delete-login-profile', identity: ref }, false));
    for (const k of state.accessKeys) {
      list.push(
        change(
          {
            action: 'delete-access-key',
            identity: ref,
            ...(k.accessKeyId ? { accessKeyId: k.accessKeyId } : {}),
            ...(k.slot ? { slot: k.slot } : {}),
          },
          false,
        ),
      );
    }
    // DeleteUser refuses while any of these remain. A virtual device is deleted right after its
    // deactivation; one deactivated by an earlier attempt is known from the trail only.
    const devices = state.mfaDevices ?? [];
    for (const serialNumber of deactivatedEarlier) {
      if (!devices.some((d) => d.serialNumber === serialNumber)) list.push(deleteVirtual(serialNumber));
    }
    for (const d of devices) {
      const serial = d.serialNumber;
      list.push(
        change(
          { action: 'deactivate-mfa-device', identity: ref, ...(serial ? { serialNumber: serial } : {}) },
          false,
        ),
      );
      if (serial && isVirtualMfaSerial(serial)) list.push(deleteVirtual(serial));
    }
    for (const certificateId of state.signingCertificates ?? []) {
      list.push(change({ action: 'delete-signing-certificate', identity: ref, certificateId }, false));
    }
    for (const sshPublicKeyId of state.sshPublicKeys ?? []) {
      list.push(change({ action: 'delete-ssh-public-key', identity: ref, sshPublicKeyId }, false));
    }
    for (const credentialId of state.serviceSpecificCredentials ?? []) {
      list.push(change({ action: 'delete-service-specific-credential', identity: ref, credentialId }, false));
    }
    for (const groupName of state.groups) {
      list.push(change({ action: 'remove-from-group', identity: ref, groupName }, false));
    }
  } else {
    for (const instanceProfileName of state.instanceProfiles) {
      list.push(
        change({ action: 'remove-from-instance-profile', identity: ref, instanceProfileName }, false),
      );
    }
  }
  for (const policyArn of state.attachedPolicyArns) {
    list.push(change({ action: 'detach-policy', identity: ref, policyArn }, false));
  }
  for (const p of state.inlinePolicies) {
    list.push(change({ action: 'delete-inline-policy', identity: ref, policyName: p.name }, false));
  }
  list.push(change({ action: 'delete-identity', identity: ref }, false));
  if (ref.type === 'user') list.push(deleteSecret);
  return changes(list);
};
