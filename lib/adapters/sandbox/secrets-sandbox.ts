import { randomUUID } from 'node:crypto';
import {
  InvalidParameterException,
  InvalidRequestException,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../../ports/clock.js';
import { answerInProcess, IN_PROCESS_CLIENT_CONFIG } from './in-process-client.js';
import type { StateStore } from './state-file.js';

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';
const PREVIOUS = 'AWSPREVIOUS';

interface SandboxVersion {
  id: string;
  stages: string[];
  value?: string;
  createdAt: string;
}

interface SandboxSecret {
  name: string;
  arn: string;
  versions: SandboxVersion[];
  tags: Record<string, string>;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  deletedAt?: string;
  description?: string;
}

/** A rotation RotateSecret started: Secrets Manager now owes the rotation function its four steps. */
export interface PendingRotation {
  readonly secretArn: string;
  readonly token: string;
  readonly lambdaArn: string;
}

export interface SecretsState {
  schemaVersion: 1;
  accountId: string;
  region: string;
  secrets: SandboxSecret[];
  rotations: PendingRotation[];
}

const meta = { $metadata: {} };
const notFound = (id: string) =>
  new ResourceNotFoundException({
    message: `Secrets Manager can't find the specified secret: ${id}`,
    ...meta,
  });
const markedForDeletion = () =>
  new InvalidRequestException({
    message: "You can't perform this operation on the secret because it was marked for deletion.",
    ...meta,
  });

/**
 * Secrets Manager with its semantics for the calls the executors make (SecretsManagerVault): versions
 * and staging labels (moving AWSCURRENT leaves AWSPREVIOUS), idempotent PutSecretValue per version
 * id, scheduled deletion and restore, and RotateSecret, which registers the new version as AWSPENDING
 * and queues the four rotation steps for the local pipeline to run through the rotate handler. The
 * state file holds secret values: it is written readable by its owner only, and nothing prints it.
 */
export class SecretsSandbox {
  constructor(
    private readonly store: StateStore<SecretsState>,
    private readonly options: { clock: Clock; accountId: string; region?: string },
  ) {}

  client(): SecretsManagerClient {
    return answerInProcess(new SecretsManagerClient(IN_PROCESS_CLIENT_CONFIG), (command, input) =>
      this.call(command, input),
    );
  }

  private state(): SecretsState {
    return (
      this.store.load() ?? {
        schemaVersion: 1,
        accountId: this.options.accountId,
        region: this.options.region ?? 'us-east-1',
        secrets: [],
        rotations: [],
      }
    );
  }

  /** Rotations started and not yet handed to the rotation function. */
  pendingRotations(): readonly PendingRotation[] {
    return this.state().rotations;
  }

  /** Takes one rotation off the queue (its steps are about to run). */
  takeRotation(rotation: PendingRotation): void {
    const s = this.state();
    s.rotations = s.rotations.filter(
      (r) => !(r.secretArn === rotation.secretArn && r.token === rotation.token),
    );
    this.store.save(s);
  }

  /** Names and staging labels only, never values: what `sandbox show` prints. */
  summary(): { name: string; versions: Record<string, string[]>; deleted: boolean }[] {
    return this.state().secrets.map((s) => ({
      name: s.name,
      versions: Object.fromEntries(
        s.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, v.stages]),
      ),
      deleted: s.deletedAt !== undefined,
    }));
  }

  call(command: string, i: Record<string, unknown>): unknown {
    const s = this.state();
    const now = this.options.clock.now().toISOString();
    const result = this.run(s, command, i, now);
    if (!['DescribeSecret', 'GetSecretValue', 'ListSecretVersionIds'].includes(command)) this.store.save(s);
    return result;
  }

  // biome-ignore lint/suspicious/noExplicitAny: SDK command inputs, checked by the SDK's own types at the call sites.
  private run(s: SecretsState, command: string, i: Record<string, any>, now: string): unknown {
    switch (command) {
      case 'CreateSecret': {
        const existing = s.secrets.find((x) => x.name === i.Name);
        if (existing?.deletedAt)
          throw new InvalidRequestException({
            message:
              "You can't create this secret because a secret with this name is already scheduled for deletion.",
            ...meta,
          });
        if (existing)
          throw new ResourceExistsException({
            message: `The operation failed because the secret ${i.Name} already exists.`,
            ...meta,
          });
        const suffix = randomUUID().replace(/-/g, '').slice(0, 6);
        const secret: SandboxSecret = {
          name: i.Name,
          arn: `arn:aws:secretsmanager:${s.region}:${s.accountId}:secret:${i.Name}-${suffix}`,
          versions: [],
          tags: Object.fromEntries(
            (i.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]),
          ),
          rotationEnabled: false,
          ...(i.Description ? { description: i.Description } : {}),
        };
        const id = i.ClientRequestToken ?? randomUUID();
        if (i.SecretString !== undefined)
          secret.versions.push({ id, stages: [CURRENT], value: i.SecretString, createdAt: now });
        s.secrets.push(secret);
        return { ARN: secret.arn, Name: secret.name, VersionId: id };
      }
      case 'DescribeSecret': {
        const x = resolve(s, i.SecretId);
        return {
          ARN: x.arn,
          Name: x.name,
          RotationEnabled: x.rotationEnabled,
          ...(x.rotationLambdaArn ? { RotationLambdaARN: x.rotationLambdaArn } : {}),
          ...(x.deletedAt ? { DeletedDate: new Date(x.deletedAt) } : {}),
          Tags: Object.entries(x.tags).map(([Key, Value]) => ({ Key, Value })),
          VersionIdsToStages: Object.fromEntries(
            x.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]]),
          ),
        };
      }
      case 'GetSecretValue': {
        const x = resolve(s, i.SecretId);
        if (x.deletedAt) throw markedForDeletion();
        const stage: string | undefined = i.VersionStage ?? (i.VersionId ? undefined : CURRENT);
        const v = i.VersionId
          ? x.versions.find((y) => y.id === i.VersionId)
          : x.versions.find((y) => stage !== undefined && y.stages.includes(stage));
        if (!v || (stage && !v.stages.includes(stage)) || v.value === undefined)
          throw new ResourceNotFoundException({
            message: `Secrets Manager can't find the specified secret value for VersionId: ${i.VersionId ?? '-'}, staging label: ${stage ?? '-'}`,
            ...meta,
          });
        return {
          ARN: x.arn,
          Name: x.name,
          VersionId: v.id,
          SecretString: v.value,
          VersionStages: [...v.stages],
        };
      }
      case 'ListSecretVersionIds': {
        const x = resolve(s, i.SecretId);
        return {
          ARN: x.arn,
          Name: x.name,
          Versions: x.versions.map((v) => ({
            VersionId: v.id,
            VersionStages: [...v.stages],
            CreatedDate: new Date(v.createdAt),
          })),
        };
      }
      case 'PutSecretValue': {
        const x = resolve(s, i.SecretId);
        if (x.deletedAt) throw markedForDeletion();
        const id: string = i.ClientRequestToken ?? randomUUID();
        const existing = x.versions.find((v) => v.id === id);
        if (existing?.value !== undefined) {
          // The same version id with the same value is a retry; another value is a conflict.
          if (existing.value !== i.SecretString)
            throw new ResourceExistsException({
              message: `A version with VersionId ${id} already exists with a different value.`,
              ...meta,
            });
          return { ARN: x.arn, Name: x.name, VersionId: id, VersionStages: [...existing.stages] };
        }
        const version = existing ?? { id, stages: [], createdAt: now };
        version.value = i.SecretString;
        if (!existing) x.versions.push(version);
        for (const stage of (i.VersionStages as string[] | undefined) ?? [CURRENT]) attachStage(x, stage, id);
        return { ARN: x.arn, Name: x.name, VersionId: id, VersionStages: [...version.stages] };
      }
      case 'UpdateSecretVersionStage': {
        const x = resolve(s, i.SecretId);
        const holder = x.versions.find((v) => v.stages.includes(i.VersionStage));
        if (
          holder &&
          i.MoveToVersionId &&
          holder.id !== i.RemoveFromVersionId &&
          holder.id !== i.MoveToVersionId
        )
          throw new InvalidParameterException({
            message: `The staging label ${i.VersionStage} is currently attached to version ${holder.id}, but you have attempted to remove it from ${i.RemoveFromVersionId ?? 'no version'}.`,
            ...meta,
          });
        if (i.MoveToVersionId) {
          if (!x.versions.some((v) => v.id === i.MoveToVersionId))
            throw notFound(`${x.name} version ${i.MoveToVersionId}`);
          attachStage(x, i.VersionStage, i.MoveToVersionId);
        } else if (i.RemoveFromVersionId) {
          const v = x.versions.find((y) => y.id === i.RemoveFromVersionId);
          if (v) v.stages = v.stages.filter((st) => st !== i.VersionStage);
        }
        return { ARN: x.arn, Name: x.name };
      }
      case 'RotateSecret': {
        const x = resolve(s, i.SecretId);
        if (x.deletedAt) throw markedForDeletion();
        if (i.RotationLambdaARN) x.rotationLambdaArn = i.RotationLambdaARN;
        if (!x.rotationLambdaArn)
          throw new InvalidRequestException({
            message: 'No Lambda rotation function ARN is associated with this secret.',
            ...meta,
          });
        const token: string = i.ClientRequestToken ?? randomUUID();
        if (x.versions.some((v) => v.id === token)) return { ARN: x.arn, Name: x.name, VersionId: token };
        if (x.versions.some((v) => v.stages.includes(PENDING) && !v.stages.includes(CURRENT)))
          throw new InvalidRequestException({
            message: 'A previous rotation isn’t complete. That rotation will be reattempted.',
            ...meta,
          });
        x.rotationEnabled = true;
        x.versions.push({ id: token, stages: [PENDING], createdAt: now });
        s.rotations.push({ secretArn: x.arn, token, lambdaArn: x.rotationLambdaArn });
        return { ARN: x.arn, Name: x.name, VersionId: token };
      }
      case 'DeleteSecret': {
        const x = resolve(s, i.SecretId);
        if (x.deletedAt)
          throw new InvalidRequestException({
            message: 'the secret is already scheduled for deletion',
            ...meta,
          });
        if (i.ForceDeleteWithoutRecovery) s.secrets = s.secrets.filter((y) => y !== x);
        else x.deletedAt = now;
        return { ARN: x.arn, Name: x.name, DeletionDate: new Date(now) };
      }
      case 'RestoreSecret': {
        const x = resolve(s, i.SecretId);
        delete x.deletedAt;
        return { ARN: x.arn, Name: x.name };
      }
      case 'TagResource': {
        const x = resolve(s, i.SecretId);
        for (const t of i.Tags ?? []) x.tags[t.Key] = t.Value;
        return {};
      }
      default:
        throw new InvalidRequestException({
          message: `the Secrets Manager sandbox does not implement ${command}`,
          ...meta,
        });
    }
  }
}

function resolve(s: SecretsState, id: unknown): SandboxSecret {
  const x = s.secrets.find((y) => y.name === id || y.arn === id);
  if (!x) throw notFound(String(id));
  return x;
}

/** A label lives on one version; moving AWSCURRENT leaves AWSPREVIOUS on the version it left. */
function attachStage(x: SandboxSecret, stage: string, toId: string): void {
  const to = x.versions.find((v) => v.id === toId);
  if (!to) return;
  for (const v of x.versions) {
    if (v.id !== toId && v.stages.includes(stage)) {
      v.stages = v.stages.filter((st) => st !== stage);
      if (stage === CURRENT) {
        for (const other of x.versions) other.stages = other.stages.filter((st) => st !== PREVIOUS);
        v.stages.push(PREVIOUS);
      }
    }
  }
  if (!to.stages.includes(stage)) to.stages.push(stage);
  if (stage === CURRENT) to.stages = to.stages.filter((st) => st !== PREVIOUS);
}
