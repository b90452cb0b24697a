import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  paginateListSecretVersionIds,
  RestoreSecretCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { ValidationError } from '../../domain/errors.js';
import { ExternalCallError } from '../../domain/provisioning/errors.js';
import { AccessKeySecret } from '../../domain/rotation/secret-value.js';
import { toIssues } from '../../domain/validation.js';
import type { CallOutcome } from '../../ports/iam-admin.js';
import { ROTATION_IN_PROGRESS, type SecretMetadata, type SecretVault } from '../../ports/secret-vault.js';
import { awsCode, call, toExternalCallError } from '../iam/aws-error.js';

/** Secrets Manager's message when a previous rotation is still pending (any apostrophe). */
const PREVIOUS_ROTATION_PENDING = /previous rotation isn.t complete/i;
const errorText = (error: unknown) => (error as { message?: string } | undefined)?.message ?? String(error);

const outcome = (r: unknown): CallOutcome => (r === 'already-done' ? 'already-done' : 'ok');
const toTags = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * SecretVault on Secrets Manager. Values are JSON access-key secrets; a value that does not parse is
 * reported by field name only, never echoed.
 */
export class SecretsManagerVault implements SecretVault {
  constructor(private readonly client: SecretsManagerClient) {}

  async describe(secretId: string): Promise<SecretMetadata | undefined> {
    try {
      const r = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return {
        arn: r.ARN ?? secretId,
        name: r.Name ?? secretId,
        versions: r.VersionIdsToStages ?? {},
        rotationEnabled: r.RotationEnabled ?? false,
        tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        ...(r.DeletedDate ? { deletedAt: r.DeletedDate.toISOString() } : {}),
      };
    } catch (error) {
      if (awsCode(error) === 'ResourceNotFound') return undefined;
      throw toExternalCallError('secretsmanager:DescribeSecret', secretId, error);
    }
  }

  async readAccessKey(
    secretId: string,
    version: { versionId?: string; stage?: string } = {},
  ): Promise<AccessKeySecret | undefined> {
    let text: string | undefined;
    try {
      const r = await this.client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          ...(version.versionId ? { VersionId: version.versionId } : {}),
          ...(version.stage || !version.versionId ? { VersionStage: version.stage ?? 'AWSCURRENT' } : {}),
        }),
      );
      text = r.SecretString;
    } catch (error) {
      if (awsCode(error) === 'ResourceNotFound') return undefined;
      throw toExternalCallError('secretsmanager:GetSecretValue', secretId, error);
    }
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ValidationError(`secret ${secretId} does not hold JSON`, [
        { path: secretId, message: 'not JSON' },
      ]);
    }
    const parsed = AccessKeySecret.safeParse(json);
    if (!parsed.success) {
      const issues = toIssues(parsed.error);
      throw new ValidationError(
        `secret ${secretId} does not hold an access key: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    return parsed.data;
  }

  async versionCreatedAt(secretId: string, versionId: string): Promise<string | undefined> {
    try {
      for await (const page of paginateListSecretVersionIds(
        { client: this.client },
        { SecretId: secretId, IncludeDeprecated: true },
      )) {
        const v = page.Versions?.find((x) => x.VersionId === versionId);
        if (v) return v.CreatedDate?.toISOString();
      }
      return undefined;
    } catch (error) {
      if (awsCode(error) === 'ResourceNotFound') return undefined;
      throw toExternalCallError('secretsmanager:ListSecretVersionIds', secretId, error);
    }
  }

  async create(
    name: string,
    value: AccessKeySecret,
    tags: Readonly<Record<string, string>>,
  ): Promise<CallOutcome> {
    return outcome(
      await call('secretsmanager:CreateSecret', name, () =>
        this.client.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: JSON.stringify(value),
            Description: `Access key of IAM user ${value.userName}, provisioned by nhi-gov`,
            Tags: toTags(tags),
          }),
        ),
      ),
    );
  }

  async putValue(
    secretId: string,
    value: AccessKeySecret,
    options: { token?: string; stages?: readonly string[] } = {},
  ): Promise<CallOutcome> {
    return outcome(
      await call('secretsmanager:PutSecretValue', secretId, () =>
        this.client.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            SecretString: JSON.stringify(value),
            ...(options.token ? { ClientRequestToken: options.token } : {}),
            ...(options.stages ? { VersionStages: [...options.stages] } : {}),
          }),
        ),
      ),
    );
  }

  async restore(secretId: string): Promise<CallOutcome> {
    return outcome(
      await call('secretsmanager:RestoreSecret', secretId, () =>
        this.client.send(new RestoreSecretCommand({ SecretId: secretId })),
      ),
    );
  }

  async moveStage(
    secretId: string,
    stage: string,
    toVersionId: string,
    fromVersionId?: string,
  ): Promise<CallOutcome> {
    return outcome(
      await call('secretsmanager:UpdateSecretVersionStage', secretId, () =>
        this.client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: stage,
            MoveToVersionId: toVersionId,
            ...(fromVersionId ? { RemoveFromVersionId: fromVersionId } : {}),
          }),
        ),
      ),
    );
  }

  async delete(secretId: string, recoveryWindowDays: number): Promise<CallOutcome> {
    return outcome(
      await call(
        'secretsmanager:DeleteSecret',
        secretId,
        () =>
          this.client.send(
            new DeleteSecretCommand({ SecretId: secretId, RecoveryWindowInDays: recoveryWindowDays }),
          ),
        { goneIsDone: ['ResourceNotFound'] },
      ),
    );
  }

  async tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<CallOutcome> {
    return outcome(
      await call('secretsmanager:TagResource', secretId, () =>
        this.client.send(new TagResourceCommand({ SecretId: secretId, Tags: toTags(tags) })),
      ),
    );
  }

  async rotate(
    secretId: string,
    options: { token: string; rotationLambdaArn: string },
  ): Promise<CallOutcome> {
    try {
      await this.client.send(
        new RotateSecretCommand({
          SecretId: secretId,
          ClientRequestToken: options.token,
          RotationLambdaARN: options.rotationLambdaArn,
          RotateImmediately: true,
        }),
      );
      return 'ok';
    } catch (error) {
      // Secrets Manager refuses a new rotation while another one is between createSecret and
      // finishSecret (InvalidRequest): that passes once the other one finishes.
      if (awsCode(error) === 'InvalidRequest' && PREVIOUS_ROTATION_PENDING.test(errorText(error))) {
        throw new ExternalCallError(
          `secretsmanager:RotateSecret on ${secretId} failed: another rotation is in progress: ${errorText(error)}`,
          { awsCode: ROTATION_IN_PROGRESS, retryable: true, cause: error },
        );
      }
      throw toExternalCallError('secretsmanager:RotateSecret', secretId, error);
    }
  }
}
