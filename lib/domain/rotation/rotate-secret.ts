import type { Clock } from '../../ports/clock.js';
import type { CredentialChecker } from '../../ports/credential-checker.js';
import type { EventPublisher } from '../../ports/event-publisher.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { IamAdmin } from '../../ports/iam-admin.js';
import type { SecretMetadata, SecretVault } from '../../ports/secret-vault.js';
import { AppError, NotFoundError } from '../errors.js';
import { parseIdentity } from '../identity.js';
import { CallLog, errorMessage, type RetryPolicy } from '../provisioning/call-log.js';
import { ExternalCallError } from '../provisioning/errors.js';
import type { RetireKey } from './key-retirement.js';
import { keysToDelete } from './keys.js';
import { TAG_ROTATION_DECISION, TAG_ROTATION_TOKEN } from './rotation-token.js';
import { type AccessKeySecret, STAGE } from './secret-value.js';
import { reportUnmanagedKeys, resolveGoneUnmanagedKeys } from './unmanaged-key.js';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** STS error codes of a key that exists but has not reached every endpoint yet: worth waiting for. */
const NOT_YET_PROPAGATED = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'AccessDenied']);

function notYetAccepted(error: unknown): boolean {
  return error instanceof ExternalCallError && (error.retryable || NOT_YET_PROPAGATED.has(error.awsCode));
}

/** The account id of an ARN (its fifth field); undefined when it has none. */
function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * testSecret's verdict on an STS answer: the new key must sign in as the secret's user (IAM user names
 * are unique regardless of case) in the secret's own account.
 * @throws RotationError naming what differs; never retried.
 */
export function checkSignedInAs(
  who: { readonly arn: string; readonly account: string },
  userName: string,
  secretAccount: string | undefined,
  secretName: string,
): string {
  let ref: ReturnType<typeof parseIdentity> | undefined;
  try {
    ref = parseIdentity(who.arn);
  } catch {
    ref = undefined;
  }
  if (ref?.type !== 'user' || ref.name.toLowerCase() !== userName.toLowerCase()) {
    throw new RotationError(
      `the new key of ${secretName} signs in as ${who.arn || '(no ARN)'}, not as user ${userName}`,
    );
  }
  const arnAccount = accountOfArn(who.arn);
  if (!secretAccount || arnAccount !== secretAccount || who.account !== secretAccount) {
    throw new RotationError(
      `the new key of ${secretName} signs in to account ${who.account || arnAccount || '(none)'} (${who.arn}), not to the secret's account ${secretAccount ?? '(unknown)'}`,
    );
  }
  return `key signs in as ${who.arn}`;
}

/** One call of a Secrets Manager rotation function. */
export interface RotationRequest {
  readonly step: RotationStep;
  readonly secretId: string;
  /** The version being rotated in (Secrets Manager's ClientRequestToken). */
  readonly token: string;
}

/** The rotation cannot go on: Secrets Manager records the step as failed and retries it. */
export class RotationError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ROTATION_FAILED', message, options);
  }
}

export interface RotationConfig {
  readonly callRetry: RetryPolicy;
  /** A new IAM key takes a few seconds to work everywhere: testSecret tries this often. */
  readonly testAttempts: number;
  readonly testDelayMs: number;
}

export const DEFAULT_ROTATION_LIMITS = {
  callRetry: { attempts: 3, baseDelayMs: 200 },
  testAttempts: 6,
  testDelayMs: 2000,
} as const;

export interface RotationDeps {
  readonly iam: IamAdmin;
  readonly vault: SecretVault;
  readonly sts: CredentialChecker;
  readonly events: EventPublisher;
  /** unmanaged-access-key findings. */
  readonly findings: FindingStore;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly config: RotationConfig;
  /**
   * Retirement of the key finishSecret replaces: a grace period, then deactivation and deletion on
   * schedule. Without it the previous key is deactivated at finishSecret.
   */
  readonly retirement?: Pick<RetireKey, 'afterFinish'>;
}

/** What a step did, for the log. Names key ids, never secrets. */
export interface RotationStepResult {
  readonly step: RotationStep;
  readonly secretId: string;
  readonly done: readonly string[];
}

/**
 * Secrets Manager rotation of a secret that holds an IAM user's access key. Each step looks at the
 * state first and does only what is missing, so Secrets Manager may retry any step any number of times.
 */
export class RotateAccessKeySecret {
  constructor(private readonly deps: RotationDeps) {}

  /**
   * Runs one rotation step.
   * @throws RotationError (or NotFoundError) when the step cannot complete; Secrets Manager retries it.
   */
  async handle(request: RotationRequest): Promise<RotationStepResult> {
    const log = this.log();
    const meta = await log.read(() => this.deps.vault.describe(request.secretId));
    if (!meta) throw new NotFoundError(`secret ${request.secretId} does not exist`);
    if (!meta.rotationEnabled) throw new RotationError(`secret ${meta.name} does not have rotation enabled`);
    const stages = meta.versions[request.token];
    if (!stages) {
      throw new RotationError(`secret ${meta.name} has no version ${request.token} to rotate to`);
    }
    const result = (done: string[]): RotationStepResult => ({
      step: request.step,
      secretId: meta.name,
      done,
    });
    if (stages.includes(STAGE.current) && request.step !== 'finishSecret') {
      return result([`version ${request.token} is already AWSCURRENT`]);
    }
    if (!stages.includes(STAGE.pending) && !stages.includes(STAGE.current)) {
      throw new RotationError(`version ${request.token} of secret ${meta.name} is not AWSPENDING`);
    }
    switch (request.step) {
      case 'createSecret':
        return result(await this.createSecret(meta, request.token));
      case 'setSecret':
        // IAM already knows the new key: it was created there. Only check that it exists.
        await this.pending(meta, request.token);
        return result(['nothing to set: the key lives in IAM']);
      case 'testSecret':
        return result(await this.testSecret(meta, request.token));
      case 'finishSecret':
        return result(await this.finishSecret(meta, request.token));
    }
  }

  private log(): CallLog {
    return new CallLog(this.deps.clock, this.deps.sleep, this.deps.config.callRetry);
  }

  private async current(meta: SecretMetadata): Promise<AccessKeySecret> {
    const value = await this.log().read(() =>
      this.deps.vault.readAccessKey(meta.arn, { stage: STAGE.current }),
    );
    if (!value) throw new RotationError(`secret ${meta.name} has no AWSCURRENT value`);
    return value;
  }

  private async pending(meta: SecretMetadata, token: string): Promise<AccessKeySecret> {
    const value = await this.log().read(() =>
      this.deps.vault.readAccessKey(meta.arn, { versionId: token, stage: STAGE.pending }),
    );
    if (!value) throw new RotationError(`secret ${meta.name} has no AWSPENDING value for version ${token}`);
    return value;
  }

  private async createSecret(meta: SecretMetadata, token: string): Promise<string[]> {
    const { iam, vault } = this.deps;
    const log = this.log();
    const existing = await log.read(() =>
      vault.readAccessKey(meta.arn, { versionId: token, stage: STAGE.pending }),
    );
    if (existing) return [`version ${token} already holds key ${existing.accessKeyId}`];
    const current = await this.current(meta);
    const userName = current.userName;
    const previous = await log.read(() => vault.readAccessKey(meta.arn, { stage: STAGE.previous }));
    const rotationStartedAt = await log.read(() => vault.versionCreatedAt(meta.arn, token));
    const keys = await log.read(() => iam.listAccessKeys(userName));
    const at = this.deps.clock.now().toISOString();
    const housekeeping = keysToDelete({
      keys,
      currentKeyId: current.accessKeyId,
      // A previous value of another user (the secret was repointed by hand) proves nothing here.
      previousKeyId: previous?.userName === userName ? previous.accessKeyId : undefined,
      rotationStartedAt,
    });
    if (!housekeeping.ok) {
      await reportUnmanagedKeys(this.deps.findings, userName, meta.name, housekeeping.unmanaged, at);
      throw new RotationError(`cannot rotate ${meta.name}: ${housekeeping.reason}`);
    }
    await resolveGoneUnmanagedKeys(
      this.deps.findings,
      userName,
      keys.map((k) => k.accessKeyId),
      at,
    );
    const done: string[] = [];
    for (const keyId of housekeeping.delete) {
      await log.run('iam:DeleteAccessKey', `user/${userName}`, () => iam.deleteAccessKey(userName, keyId));
    }
    done.push(...housekeeping.notes.map((n) => `deleted ${n}`));
    const material = await log.run('iam:CreateAccessKey', `user/${userName}`, () =>
      iam.createAccessKey(userName),
    );
    await log.run('secretsmanager:PutSecretValue', meta.name, () =>
      vault.putValue(
        meta.arn,
        { userName, accessKeyId: material.accessKeyId, secretAccessKey: material.secretAccessKey },
        { token, stages: [STAGE.pending] },
      ),
    );
    done.push(`created key ${material.accessKeyId} as AWSPENDING`);
    return done;
  }

  private async testSecret(meta: SecretMetadata, token: string): Promise<string[]> {
    const pending = await this.pending(meta, token);
    const account = accountOfArn(meta.arn);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.deps.config.testAttempts; attempt++) {
      let who: { arn: string; account: string };
      try {
        who = await this.deps.sts.callerIdentity({
          accessKeyId: pending.accessKeyId,
          secretAccessKey: pending.secretAccessKey,
        });
      } catch (error) {
        if (!notYetAccepted(error)) {
          throw new RotationError(`the new key of ${meta.name} was refused by STS: ${errorMessage(error)}`, {
            cause: error,
          });
        }
        lastError = error;
        // New IAM keys take a few seconds to be accepted everywhere.
        if (attempt < this.deps.config.testAttempts) await this.deps.sleep(this.deps.config.testDelayMs);
        continue;
      }
      // STS answered: whatever is wrong now will not change by waiting.
      return [checkSignedInAs(who, pending.userName, account, meta.name)];
    }
    throw new RotationError(
      `the new key of ${meta.name} was not accepted by STS after ${this.deps.config.testAttempts} attempts: ${errorMessage(lastError)}`,
      { cause: lastError },
    );
  }

  private async finishSecret(meta: SecretMetadata, token: string): Promise<string[]> {
    const { iam, vault } = this.deps;
    const log = this.log();
    const done: string[] = [];
    const currentVersion = Object.entries(meta.versions).find(([, s]) => s.includes(STAGE.current))?.[0];
    const fresh = await log.read(() => vault.readAccessKey(meta.arn, { versionId: token }));
    if (!fresh) throw new RotationError(`secret ${meta.name} has no value for version ${token}`);
    if (currentVersion !== token) {
      await log.run('secretsmanager:UpdateSecretVersionStage', meta.name, () =>
        vault.moveStage(meta.arn, STAGE.current, token, currentVersion),
      );
      done.push(`version ${token} is now AWSCURRENT`);
    }
    // After the move Secrets Manager labels the old version AWSPREVIOUS; a retried finish finds it there too.
    const previous = await log.read(() => vault.readAccessKey(meta.arn, { stage: STAGE.previous }));
    if (previous && previous.accessKeyId !== fresh.accessKeyId) {
      if (this.deps.retirement) {
        // The grace period counts from the version that replaced the key, a time finish retries agree on.
        const replacedAt = await log.read(() => vault.versionCreatedAt(meta.arn, token));
        done.push(...(await this.deps.retirement.afterFinish(meta, previous, replacedAt)));
      } else {
        const keys = await log.read(() => iam.listAccessKeys(previous.userName));
        const old = keys.find((k) => k.accessKeyId === previous.accessKeyId);
        if (old?.status === 'Active') {
          await log.run('iam:UpdateAccessKey', `user/${previous.userName}`, () =>
            iam.setAccessKeyStatus(previous.userName, previous.accessKeyId, 'Inactive'),
          );
          done.push(`deactivated previous key ${previous.accessKeyId}`);
        }
      }
    }
    const byDecision = meta.tags[TAG_ROTATION_TOKEN] === token ? meta.tags[TAG_ROTATION_DECISION] : undefined;
    // At least once: a retried finish publishes again; consumers key on (secretId, rotatedAt) or ignore repeats.
    await this.deps.events.publish('SecretRotated', {
      schemaVersion: '1',
      secretId: meta.name,
      identityKey: `user/${fresh.userName}`,
      trigger: byDecision ? 'decision' : 'schedule',
      ...(byDecision ? { decisionId: byDecision } : {}),
      rotatedAt: this.deps.clock.now().toISOString(),
    });
    done.push('published SecretRotated');
    return done;
  }
}
