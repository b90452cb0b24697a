import type { AccessKeySecret } from '../domain/rotation/secret-value.js';
import type { CallOutcome } from './iam-admin.js';

/** The awsCode of a RotateSecret refused because another rotation of the secret is still pending. */
export const ROTATION_IN_PROGRESS = 'RotationInProgress';

export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  /** Version id → its staging labels (AWSCURRENT, AWSPENDING, AWSPREVIOUS). */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly rotationEnabled: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedAt?: string;
}

/**
 * Secrets Manager as the executors use it: secrets that hold one IAM user's access key as JSON
 * `{ userName, accessKeyId, secretAccessKey }`. Methods throw `ExternalCallError` on AWS failures.
 */
export interface SecretVault {
  /** DescribeSecret; undefined when there is no such secret. */
  describe(secretId: string): Promise<SecretMetadata | undefined>;
  /**
   * GetSecretValue of one version (by id and/or staging label, default AWSCURRENT).
   * @returns undefined when that version does not exist or has no value yet.
   * @throws ValidationError (naming fields, never values) when the value is not an access-key secret.
   */
  readAccessKey(
    secretId: string,
    version?: { versionId?: string; stage?: string },
  ): Promise<AccessKeySecret | undefined>;
  /**
   * When a version was created (ListSecretVersionIds): for a rotation's AWSPENDING version, when the
   * rotation began. Undefined when the version is not listed.
   */
  versionCreatedAt(secretId: string, versionId: string): Promise<string | undefined>;
  /** CreateSecret with the first value as AWSCURRENT. */
  create(name: string, value: AccessKeySecret, tags: Readonly<Record<string, string>>): Promise<CallOutcome>;
  /** PutSecretValue; `stages` defaults to AWSCURRENT, `token` becomes the version id. */
  putValue(
    secretId: string,
    value: AccessKeySecret,
    options?: { token?: string; stages?: readonly string[] },
  ): Promise<CallOutcome>;
  /** RestoreSecret: cancels a scheduled deletion. */
  restore(secretId: string): Promise<CallOutcome>;
  /** UpdateSecretVersionStage: moves `stage` to `toVersionId` (from `fromVersionId`, if it holds it). */
  moveStage(
    secretId: string,
    stage: string,
    toVersionId: string,
    fromVersionId?: string,
  ): Promise<CallOutcome>;
  /** DeleteSecret with a recovery window; a missing or already-deleted secret is `already-done`. */
  delete(secretId: string, recoveryWindowDays: number): Promise<CallOutcome>;
  tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<CallOutcome>;
  /**
   * RotateSecret now, with this function as the rotation function and `token` as the new version id.
   * @throws ExternalCallError with awsCode `ROTATION_IN_PROGRESS` (retryable) while another rotation of
   * the secret is pending.
   */
  rotate(secretId: string, options: { token: string; rotationLambdaArn: string }): Promise<CallOutcome>;
}
