import type { RevokeRequestedDetail } from '../events.js';
import { type IdentityRef, identityKey } from '../identity.js';
import type { PolicyDocument } from '../request.js';

interface ChangeBase {
  /** The identity the change is about. */
  readonly identity: IdentityRef;
  /** What exactly is changed, e.g. `role/x:arn:aws:iam::aws:policy/ReadOnlyAccess`; unique within a plan. */
  readonly target: string;
  /** The effect is already in place in the state the plan was made from: executing it makes no IAM call. */
  readonly alreadyDone: boolean;
}

/** One IAM (or Secrets Manager, or Scheduler) change the provision function makes. */
export type PlannedChange = ChangeBase &
  (
    | {
        readonly action: 'create-role';
        readonly path: string;
        readonly permissionsBoundaryArn: string;
        readonly trustPolicy: PolicyDocument;
        readonly description?: string;
        readonly tags: Readonly<Record<string, string>>;
      }
    | {
        readonly action: 'create-user';
        readonly path: string;
        readonly permissionsBoundaryArn: string;
        readonly tags: Readonly<Record<string, string>>;
      }
    | {
        readonly action: 'create-access-key';
        readonly secretName: string;
        readonly tags: Readonly<Record<string, string>>;
      }
    | { readonly action: 'attach-policy'; readonly policyArn: string }
    | { readonly action: 'detach-policy'; readonly policyArn: string }
    | { readonly action: 'put-inline-policy'; readonly policyName: string; readonly document: PolicyDocument }
    | { readonly action: 'delete-inline-policy'; readonly policyName: string }
    | { readonly action: 'delete-access-key'; readonly accessKeyId?: string; readonly slot?: number }
    | { readonly action: 'delete-login-profile' }
    | { readonly action: 'remove-from-group'; readonly groupName: string }
    /** No serial: the snapshot only shows MFA is active (plan output); live state always has it. */
    | { readonly action: 'deactivate-mfa-device'; readonly serialNumber?: string }
    | { readonly action: 'delete-virtual-mfa-device'; readonly serialNumber: string }
    | { readonly action: 'delete-signing-certificate'; readonly certificateId: string }
    | { readonly action: 'delete-ssh-public-key'; readonly sshPublicKeyId: string }
    | { readonly action: 'delete-service-specific-credential'; readonly credentialId: string }
    | { readonly action: 'remove-from-instance-profile'; readonly instanceProfileName: string }
    | { readonly action: 'delete-identity' }
    | { readonly action: 'delete-key-secret'; readonly secretName: string }
    | {
        readonly action: 'schedule-revoke';
        readonly grantDecisionId: string;
        readonly scheduleName: string;
        readonly expression: string;
        readonly detail: RevokeRequestedDetail;
      }
    | {
        readonly action: 'cancel-revoke-schedule';
        readonly grantDecisionId: string;
        readonly scheduleName: string;
      }
  );

export type ChangeAction = PlannedChange['action'];

/** Distributes Omit over the union, so each variant keeps its own fields. */
type WithoutBase<T> = T extends unknown ? Omit<T, 'target' | 'alreadyDone'> : never;
export type ChangeSpec = WithoutBase<PlannedChange>;

/** True for the serial of a virtual MFA device, which is its ARN (`arn:aws:iam::<account>:mfa/<name>`). */
export function isVirtualMfaSerial(serialNumber: string): boolean {
  return /^arn:[\w-]+:iam::\d{12}:mfa\//.test(serialNumber);
}

/** The target prefix of a user's MFA deactivation, followed by the device's serial number. */
export const mfaDeviceTargetPrefix = (identity: IdentityRef) => `${identityKey(identity)}:mfa-device/`;

/** The `target` of a change: the identity key, then what about it changes. */
export function changeTarget(spec: ChangeSpec): string {
  const id = identityKey(spec.identity);
  switch (spec.action) {
    case 'create-role':
    case 'create-user':
    case 'delete-identity':
      return id;
    case 'create-access-key':
      return `${id}:access-key`;
    case 'attach-policy':
    case 'detach-policy':
      return `${id}:${spec.policyArn}`;
    case 'put-inline-policy':
    case 'delete-inline-policy':
      return `${id}:inline-policy/${spec.policyName}`;
    case 'delete-access-key':
      return `${id}:access-key/${spec.accessKeyId ?? `slot-${spec.slot ?? '?'}`}`;
    case 'delete-login-profile':
      return `${id}:login-profile`;
    case 'remove-from-group':
      return `${id}:group/${spec.groupName}`;
    case 'deactivate-mfa-device':
      return `${mfaDeviceTargetPrefix(spec.identity)}${spec.serialNumber ?? '?'}`;
    case 'delete-virtual-mfa-device':
      return `${id}:virtual-mfa-device/${spec.serialNumber}`;
    case 'delete-signing-certificate':
      return `${id}:signing-certificate/${spec.certificateId}`;
    case 'delete-ssh-public-key':
      return `${id}:ssh-public-key/${spec.sshPublicKeyId}`;
    case 'delete-service-specific-credential':
      return `${id}:service-specific-credential/${spec.credentialId}`;
    case 'remove-from-instance-profile':
      return `${id}:instance-profile/${spec.instanceProfileName}`;
    case 'delete-key-secret':
      return `secret:${spec.secretName}`;
    case 'schedule-revoke':
    case 'cancel-revoke-schedule':
      return `schedule:${spec.scheduleName}`;
  }
}

/** Makes a change from its spec and whether it is already in place. */
export function change(spec: ChangeSpec, alreadyDone: boolean): PlannedChange {
  return { ...spec, target: changeTarget(spec), alreadyDone } as PlannedChange;
}

/** One line for humans: what the change does (never a secret; tags and documents summarised). */
export function describeChange(c: PlannedChange): string {
  const id = identityKey(c.identity);
  const tags = (t: Readonly<Record<string, string>>) =>
    Object.entries(t)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  switch (c.action) {
    case 'create-role':
      return `create role ${c.identity.name} at path ${c.path} with boundary ${c.permissionsBoundaryArn}, tags {${tags(c.tags)}}`;
    case 'create-user':
      return `create user ${c.identity.name} at path ${c.path} with boundary ${c.permissionsBoundaryArn}, tags {${tags(c.tags)}}`;
    case 'create-access-key':
      return `create an access key for ${id} straight into secret ${c.secretName}`;
    case 'attach-policy':
      return `attach ${c.policyArn} to ${id}`;
    case 'detach-policy':
      return `detach ${c.policyArn} from ${id}`;
    case 'put-inline-policy':
      return `put inline policy ${c.policyName} on ${id}`;
    case 'delete-inline-policy':
      return `delete inline policy ${c.policyName} from ${id}`;
    case 'delete-access-key':
      return `delete access key ${c.accessKeyId ?? `in slot ${c.slot ?? '?'}`} of ${id}`;
    case 'delete-login-profile':
      return `delete the console password of ${id}`;
    case 'remove-from-group':
      return `remove ${id} from group ${c.groupName}`;
    case 'deactivate-mfa-device':
      return c.serialNumber
        ? `deactivate MFA device ${c.serialNumber} of ${id}`
        : `deactivate the MFA devices of ${id} (and delete the virtual ones; serials are not in the snapshot)`;
    case 'delete-virtual-mfa-device':
      return `delete virtual MFA device ${c.serialNumber}`;
    case 'delete-signing-certificate':
      return `delete signing certificate ${c.certificateId} of ${id}`;
    case 'delete-ssh-public-key':
      return `delete SSH public key ${c.sshPublicKeyId} of ${id}`;
    case 'delete-service-specific-credential':
      return `delete service-specific credential ${c.credentialId} of ${id}`;
    case 'remove-from-instance-profile':
      return `remove ${id} from instance profile ${c.instanceProfileName}`;
    case 'delete-identity':
      return `delete ${id}`;
    case 'delete-key-secret':
      return `delete secret ${c.secretName} (7-day recovery window)`;
    case 'schedule-revoke':
      return `schedule a revoke request for decision ${c.grantDecisionId} ${c.expression} UTC`;
    case 'cancel-revoke-schedule':
      return `cancel the revoke schedule of decision ${c.grantDecisionId}`;
  }
}
