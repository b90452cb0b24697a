import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { FAKE_ACCOUNT, Faults } from './iam.js';

const meta = { $metadata: {} };
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const PENDING = 'AWSPENDING';

export interface FakeVersion {
  readonly id: string;
  stages: Set<string>;
  /** Undefined for the placeholder RotateSecret makes before createSecret stores the value. */
  value?: string;
  readonly createdAt: Date;
}

export interface FakeSecret {
  readonly name: string;
  readonly arn: string;
  readonly versions: Map<string, FakeVersion>;
  tags: Record<string, string>;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  deletedDate?: Date;
  description?: string;
}

const notFound = (id: string) =>
  new ResourceNotFoundException({
    message: `Secrets Manager can't find the specified secret: ${id}`,
    ...meta,
  });

/**
 * A stateful in-memory Secrets Manager behind aws-sdk-client-mock, with versions and staging labels
 * as the rotation protocol uses them: moving AWSCURRENT leaves AWSPREVIOUS on the old version,
 * RotateSecret registers the new version id as AWSPENDING (without a value) before createSecret runs,
 * and a version id already holding a different value is refused.
 */
export class FakeSecretsManager {
  readonly mock: AwsClientStub<SecretsManagerClient>;
  readonly secrets = new Map<string, FakeSecret>();
  readonly faults = new Faults();
  /** RotateSecret calls that started a rotation: which secret, which version id. */
  readonly rotations: { secretName: string; token: string; lambdaArn?: string }[] = [];

  /** The fake's clock: version creation times (a rotation's start) come from it. */
  now: () => Date;

  constructor(
    private readonly region = 'us-east-1',
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    const mock = mockClient(SecretsManagerClient);
    this.mock = mock;
    // biome-ignore lint/suspicious/noExplicitAny: command inputs are plain objects in the fake.
    type In = any;
    // biome-ignore lint/suspicious/noExplicitAny: any SDK command class.
    const on = (command: any, name: string, fn: (input: In) => unknown) => {
      mock.on(command).callsFake(async (input: In) => {
        this.faults.check(name);
        return fn(input);
      });
    };

    on(CreateSecretCommand, 'CreateSecret', (i) => {
      const existing = this.secrets.get(i.Name);
      if (existing?.deletedDate) {
        throw new InvalidRequestException({
          message: `You can't create this secret because a secret with this name is already scheduled for deletion.`,
          ...meta,
        });
      }
      if (existing)
        throw new ResourceExistsException({
          message: `The operation failed because the secret ${i.Name} already exists.`,
          ...meta,
        });
      const secret: FakeSecret = {
        name: i.Name,
        arn: `arn:aws:secretsmanager:${this.region}:${FAKE_ACCOUNT}:secret:${i.Name}-${randomUUID().slice(0, 6)}`,
        versions: new Map(),
        tags: Object.fromEntries((i.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value])),
        rotationEnabled: false,
        ...(i.Description ? { description: i.Description } : {}),
      };
      const id = i.ClientRequestToken ?? randomUUID();
      if (i.SecretString !== undefined) {
        secret.versions.set(id, {
          id,
          stages: new Set([CURRENT]),
          value: i.SecretString,
          createdAt: this.now(),
        });
      }
      this.secrets.set(secret.name, secret);
      return { ARN: secret.arn, Name: secret.name, VersionId: id, ...meta };
    });
    on(DescribeSecretCommand, 'DescribeSecret', (i) => {
      const s = this.resolve(i.SecretId);
      return {
        ARN: s.arn,
        Name: s.name,
        RotationEnabled: s.rotationEnabled,
        ...(s.rotationLambdaArn ? { RotationLambdaARN: s.rotationLambdaArn } : {}),
        ...(s.deletedDate ? { DeletedDate: s.deletedDate } : {}),
        Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
        VersionIdsToStages: Object.fromEntries(
          [...s.versions.values()].filter((v) => v.stages.size > 0).map((v) => [v.id, [...v.stages]]),
        ),
        ...meta,
      };
    });
    on(GetSecretValueCommand, 'GetSecretValue', (i) => {
      const s = this.resolve(i.SecretId);
      if (s.deletedDate) {
        throw new InvalidRequestException({
          message: 'You can’t perform this operation on the secret because it was marked for deletion.',
          ...meta,
        });
      }
      const stage = i.VersionStage ?? (i.VersionId ? undefined : CURRENT);
      const v = i.VersionId
        ? s.versions.get(i.VersionId)
        : [...s.versions.values()].find((x) => x.stages.has(stage));
      if (!v || (stage && !v.stages.has(stage)) || v.value === undefined) {
        throw new ResourceNotFoundException({
          message: `Secrets Manager can't find the specified secret value for VersionId: ${i.VersionId ?? '-'}, staging label: ${stage ?? '-'}`,
          ...meta,
        });
      }
      return {
        ARN: s.arn,
        Name: s.name,
        VersionId: v.id,
        SecretString: v.value,
        VersionStages: [...v.stages],
        ...meta,
      };
    });
    on(ListSecretVersionIdsCommand, 'ListSecretVersionIds', (i) => {
      const s = this.resolve(i.SecretId);
      return {
        ARN: s.arn,
        Name: s.name,
        Versions: [...s.versions.values()].map((v) => ({
          VersionId: v.id,
          VersionStages: [...v.stages],
          CreatedDate: v.createdAt,
        })),
        ...meta,
      };
    });
    on(PutSecretValueCommand, 'PutSecretValue', (i) => {
      const s = this.resolve(i.SecretId);
      if (s.deletedDate)
        throw new InvalidRequestException({ message: 'secret is marked for deletion', ...meta });
      const id = i.ClientRequestToken ?? randomUUID();
      const stages: string[] = i.VersionStages ?? [CURRENT];
      const existing = s.versions.get(id);
      if (existing?.value !== undefined) {
        // The same token with the same value is an idempotent retry; another value is a conflict.
        if (existing.value !== i.SecretString) {
          throw new ResourceExistsException({
            message: `A version with VersionId ${id} already exists with a different value.`,
            ...meta,
          });
        }
        return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: [...existing.stages], ...meta };
      }
      const version: FakeVersion = existing ?? { id, stages: new Set<string>(), createdAt: this.now() };
      version.value = i.SecretString;
      s.versions.set(id, version);
      for (const stage of stages) this.attachStage(s, stage, id);
      return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: [...version.stages], ...meta };
    });
    on(UpdateSecretVersionStageCommand, 'UpdateSecretVersionStage', (i) => {
      const s = this.resolve(i.SecretId);
      const holder = [...s.versions.values()].find((v) => v.stages.has(i.VersionStage));
      if (
        holder &&
        i.MoveToVersionId &&
        holder.id !== i.RemoveFromVersionId &&
        holder.id !== i.MoveToVersionId
      ) {
        throw new InvalidParameterException({
          message: `The staging label ${i.VersionStage} is currently attached to version ${holder.id}, but you have attempted to remove it from ${i.RemoveFromVersionId ?? 'no version'}.`,
          ...meta,
        });
      }
      if (i.MoveToVersionId) {
        if (!s.versions.has(i.MoveToVersionId)) throw notFound(`${s.name} version ${i.MoveToVersionId}`);
        this.attachStage(s, i.VersionStage, i.MoveToVersionId);
      } else if (i.RemoveFromVersionId) {
        s.versions.get(i.RemoveFromVersionId)?.stages.delete(i.VersionStage);
      }
      return { ARN: s.arn, Name: s.name, ...meta };
    });
    on(RotateSecretCommand, 'RotateSecret', (i) => {
      const s = this.resolve(i.SecretId);
      if (s.deletedDate)
        throw new InvalidRequestException({ message: 'secret is marked for deletion', ...meta });
      if (i.RotationLambdaARN) s.rotationLambdaArn = i.RotationLambdaARN;
      if (!s.rotationLambdaArn) {
        throw new InvalidRequestException({
          message: 'No Lambda rotation function ARN is associated with this secret.',
          ...meta,
        });
      }
      const token = i.ClientRequestToken ?? randomUUID();
      if (s.versions.has(token)) return { ARN: s.arn, Name: s.name, VersionId: token, ...meta };
      const unfinished = [...s.versions.values()].find(
        (v) => v.stages.has(PENDING) && !v.stages.has(CURRENT),
      );
      if (unfinished) {
        throw new InvalidRequestException({
          message: 'A previous rotation isn’t complete. That rotation will be reattempted.',
          ...meta,
        });
      }
      s.rotationEnabled = true;
      s.versions.set(token, { id: token, stages: new Set([PENDING]), createdAt: this.now() });
      this.rotations.push({
        secretName: s.name,
        token,
        ...(s.rotationLambdaArn ? { lambdaArn: s.rotationLambdaArn } : {}),
      });
      return { ARN: s.arn, Name: s.name, VersionId: token, ...meta };
    });
    on(DeleteSecretCommand, 'DeleteSecret', (i) => {
      const s = this.resolve(i.SecretId);
      if (s.deletedDate)
        throw new InvalidRequestException({
          message: 'the secret is already scheduled for deletion',
          ...meta,
        });
      if (i.ForceDeleteWithoutRecovery) this.secrets.delete(s.name);
      else s.deletedDate = this.now();
      return { ARN: s.arn, Name: s.name, DeletionDate: new Date(), ...meta };
    });
    on(RestoreSecretCommand, 'RestoreSecret', (i) => {
      const s = this.resolve(i.SecretId);
      delete s.deletedDate;
      return { ARN: s.arn, Name: s.name, ...meta };
    });
    on(TagResourceCommand, 'TagResource', (i) => {
      const s = this.resolve(i.SecretId);
      for (const t of i.Tags ?? []) s.tags[t.Key] = t.Value;
      return meta;
    });
  }

  /** A label lives on one version; moving AWSCURRENT leaves AWSPREVIOUS on the version it left. */
  private attachStage(s: FakeSecret, stage: string, toId: string): void {
    const to = s.versions.get(toId);
    if (!to) return;
    for (const v of s.versions.values()) {
      if (v.id !== toId && v.stages.has(stage)) {
        v.stages.delete(stage);
        if (stage === CURRENT) {
          for (const other of s.versions.values()) other.stages.delete(PREVIOUS);
          v.stages.add(PREVIOUS);
        }
      }
    }
    to.stages.add(stage);
    if (stage === CURRENT) to.stages.delete(PREVIOUS);
  }

  /** A secret by name or ARN. */
  resolve(secretId: string): FakeSecret {
    const s = this.secrets.get(secretId) ?? [...this.secrets.values()].find((x) => x.arn === secretId);
    if (!s) throw notFound(secretId);
    return s;
  }

  /** The JSON value under a staging label (default AWSCURRENT), parsed. */
  valueAt(secretId: string, stage = CURRENT): Record<string, unknown> | undefined {
    const v = [...this.resolve(secretId).versions.values()].find((x) => x.stages.has(stage));
    return v?.value === undefined ? undefined : (JSON.parse(v.value) as Record<string, unknown>);
  }

  /** Seeds a secret holding `value` as AWSCURRENT. */
  addSecret(
    name: string,
    value: unknown,
    options: { tags?: Record<string, string>; rotationLambdaArn?: string } = {},
  ): FakeSecret {
    const id = randomUUID();
    const secret: FakeSecret = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${FAKE_ACCOUNT}:secret:${name}-${randomUUID().slice(0, 6)}`,
      versions: new Map([
        [id, { id, stages: new Set([CURRENT]), value: JSON.stringify(value), createdAt: this.now() }],
      ]),
      tags: options.tags ?? {},
      rotationEnabled: options.rotationLambdaArn !== undefined,
      ...(options.rotationLambdaArn ? { rotationLambdaArn: options.rotationLambdaArn } : {}),
    };
    this.secrets.set(name, secret);
    return secret;
  }

  /** Every call the client received, by command name (including failed ones). */
  callNames(): string[] {
    return this.mock
      .calls()
      .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
  }

  restore(): void {
    this.mock.restore();
  }
}
