import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { IamAdmin } from '../../ports/iam-admin.js';
import type { KeyRetirementScheduler } from '../../ports/key-retirement-scheduler.js';
import type { SecretMetadata, SecretVault } from '../../ports/secret-vault.js';
import { DEFAULT_SEVERITY, type Finding, FRAMEWORKS, findingId } from '../finding.js';
import { DAY_MS, HOUR_MS } from '../primitives.js';
import { CallLog, errorMessage, type RetryPolicy } from '../provisioning/call-log.js';
import { openFinding } from '../provisioning/findings.js';
import { atExpression } from '../provisioning/schedule.js';
import type { KeyRetirementAction, KeyRetirementEvent } from './key-retirement-event.js';
import { STAGE } from './secret-value.js';

/** How long a replaced access key lives on after finishSecret. */
export interface KeyRetirementConfig {
  /** Hours the previous key stays Active after its replacement became AWSCURRENT; 0 = at finishSecret. */
  readonly deactivateDelayHours: number;
  /** Days the previous key stays Inactive before it is deleted; 0 = kept until the next rotation. */
  readonly deleteGraceDays: number;
}

export const DEFAULT_KEY_RETIREMENT: KeyRetirementConfig = { deactivateDelayHours: 24, deleteGraceDays: 7 };
/** Bounds of the settings (infra/config.ts checks the context against them). */
export const KEY_RETIREMENT_LIMITS = { maxDeactivateDelayHours: 168, maxDeleteGraceDays: 90 } as const;

// The event lives in its own module: the scheduler port names it, and this use case needs the port.
export {
  KEY_RETIREMENT_ACTIONS,
  type KeyRetirementAction,
  KeyRetirementEvent,
} from './key-retirement-event.js';

/**
 * When the previous key is due to be deactivated and deleted: counted from the creation of the
 * version that replaced it (the secret's AWSCURRENT), a time nobody can forge, with the configured delays.
 */
export function retirementTimes(
  replacedAt: string,
  config: KeyRetirementConfig,
): { readonly deactivateAt: string; readonly deleteAt: string | undefined } {
  const base = Date.parse(replacedAt);
  const deactivate = base + config.deactivateDelayHours * HOUR_MS;
  return {
    deactivateAt: new Date(deactivate).toISOString(),
    deleteAt:
      config.deleteGraceDays > 0
        ? new Date(deactivate + config.deleteGraceDays * DAY_MS).toISOString()
        : undefined,
  };
}

/**
 * Deterministic per (action, key, due time): a retried finishSecret creates the same name (a conflict,
 * i.e. done), and a later due time (the delay was raised) gets a schedule of its own.
 */
export function keyRetirementScheduleName(
  action: KeyRetirementAction,
  accessKeyId: string,
  dueAt: string,
): string {
  const seconds = Math.ceil(Date.parse(dueAt) / 1000);
  const plain = `${action}-${accessKeyId}-${seconds}`;
  // Scheduler names are at most 64 characters; real key ids (20) fit, a hash keeps longer ones unique.
  if (plain.length <= 64) return plain;
  return `${action}-${createHash('sha256').update(`${accessKeyId}-${seconds}`).digest('hex').slice(0, 40)}`;
}

export interface KeyRetirementDeps {
  readonly iam: IamAdmin;
  readonly vault: SecretVault;
  readonly scheduler: KeyRetirementScheduler;
  /** A finding when a grace period could not be scheduled and the key was deactivated at once. */
  readonly findings: FindingStore;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly config: KeyRetirementConfig & { readonly callRetry: RetryPolicy };
}

export type KeyRetirementOutcome =
  | { readonly status: 'deactivated' | 'deleted'; readonly accessKeyId: string }
  | {
      readonly status: 'not-previous' | 'not-due' | 'not-inactive' | 'already-done' | 'gone';
      readonly accessKeyId: string;
      readonly reason: string;
    };

/**
 * Retires the key a rotation replaced: deactivation after the grace, deletion later. Acts only on the
 * state it reads (the event may be forged, early, late or replayed): the key must still be the
 * secret's AWSPREVIOUS, of the same user, the due time comes from the secret's versions and the
 * configuration, and only an Inactive key is deleted. Anything else changes nothing.
 */
export class RetireKey {
  constructor(private readonly deps: KeyRetirementDeps) {}

  /**
   * Schedules the retirement of the key finishSecret just replaced (or deactivates it at once when the
   * delay is 0, or when the schedule cannot be made: a key is never left Active without its end).
   * @throws ExternalCallError when IAM fails; finishSecret is then retried by Secrets Manager.
   */
  async afterFinish(
    meta: SecretMetadata,
    previous: { readonly userName: string; readonly accessKeyId: string },
    replacedAt: string | undefined,
  ): Promise<string[]> {
    const { iam } = this.deps;
    const log = this.log();
    const keys = await log.read(() => iam.listAccessKeys(previous.userName));
    const old = keys.find((k) => k.accessKeyId === previous.accessKeyId);
    if (!old) return [];
    const done: string[] = [];
    const times = replacedAt ? retirementTimes(replacedAt, this.deps.config) : undefined;
    let deactivateNow = old.status === 'Active';
    if (old.status === 'Active' && times && this.deps.config.deactivateDelayHours > 0) {
      const at = this.deps.clock.now().toISOString();
      try {
        await this.schedule('deactivate', meta.name, previous.accessKeyId, times.deactivateAt);
        deactivateNow = false;
        done.push(`previous key ${previous.accessKeyId} stays active until ${times.deactivateAt}`);
      } catch (error) {
        // Availability gives way: a key that cannot be given its end is deactivated now.
        await openFinding(
          this.deps.findings,
          graceNotScheduledFinding(meta.name, previous, errorMessage(error), at),
        );
        done.push(`could not schedule the grace period (${errorMessage(error)}): deactivating now`);
      }
    } else if (old.status === 'Active' && !times && this.deps.config.deactivateDelayHours > 0) {
      done.push('the replacing version has no creation time: no grace period, deactivating now');
    }
    if (deactivateNow) {
      await log.run('iam:UpdateAccessKey', `user/${previous.userName}`, () =>
        iam.setAccessKeyStatus(previous.userName, previous.accessKeyId, 'Inactive'),
      );
      done.push(`deactivated previous key ${previous.accessKeyId}`);
    }
    if (times?.deleteAt) {
      try {
        await this.schedule('delete', meta.name, previous.accessKeyId, times.deleteAt);
        done.push(`previous key ${previous.accessKeyId} is deleted at ${times.deleteAt}`);
      } catch (error) {
        // Harmless: the key is (or will be) Inactive, and the next rotation deletes it to make room.
        done.push(
          `could not schedule the deletion (${errorMessage(error)}): the next rotation deletes the key`,
        );
      }
    }
    return done;
  }

  /**
   * Runs a key-retirement event: does what is due, and only that.
   * @throws ExternalCallError when IAM or Secrets Manager fails (the invocation is retried).
   */
  async handle(event: KeyRetirementEvent): Promise<KeyRetirementOutcome> {
    const { iam, vault } = this.deps;
    const log = this.log();
    const id = event.accessKeyId;
    const skip = (
      status: Exclude<KeyRetirementOutcome['status'], 'deactivated' | 'deleted'>,
      reason: string,
    ) => ({ status, accessKeyId: id, reason }) as const;
    const meta = await log.read(() => vault.describe(event.secretId));
    if (!meta) return skip('gone', `secret ${event.secretId} does not exist`);
    const previous = await log.read(() => vault.readAccessKey(meta.arn, { stage: STAGE.previous }));
    if (previous?.accessKeyId !== id) {
      return skip('not-previous', `key ${id} is not the AWSPREVIOUS key of ${meta.name}`);
    }
    const currentVersion = Object.entries(meta.versions).find(([, s]) => s.includes(STAGE.current))?.[0];
    const replacedAt = currentVersion
      ? await log.read(() => vault.versionCreatedAt(meta.arn, currentVersion))
      : undefined;
    if (!replacedAt) return skip('not-due', `the AWSCURRENT version of ${meta.name} has no creation time`);
    const times = retirementTimes(replacedAt, this.deps.config);
    const keys = await log.read(() => iam.listAccessKeys(previous.userName));
    const key = keys.find((k) => k.accessKeyId === id);
    if (!key) return skip('gone', `user ${previous.userName} no longer has key ${id}`);
    const now = this.deps.clock.now().getTime();
    if (event.action === 'deactivate') {
      if (key.status === 'Inactive') return skip('already-done', `key ${id} is already inactive`);
      if (now < Date.parse(times.deactivateAt)) {
        // Early (forged, or the delay was raised since): make sure the real due time has its schedule.
        await this.schedule('deactivate', meta.name, id, times.deactivateAt);
        return skip('not-due', `key ${id} is due for deactivation at ${times.deactivateAt}`);
      }
      await log.run('iam:UpdateAccessKey', `user/${previous.userName}`, () =>
        iam.setAccessKeyStatus(previous.userName, id, 'Inactive'),
      );
      return { status: 'deactivated', accessKeyId: id };
    }
    if (key.status !== 'Inactive')
      return skip('not-inactive', `key ${id} is still active; only an inactive key is deleted`);
    if (!times.deleteAt)
      return skip('not-due', `deletion after a grace is off; the next rotation deletes key ${id}`);
    if (now < Date.parse(times.deleteAt)) {
      await this.schedule('delete', meta.name, id, times.deleteAt);
      return skip('not-due', `key ${id} is due for deletion at ${times.deleteAt}`);
    }
    await log.run('iam:DeleteAccessKey', `user/${previous.userName}`, () =>
      iam.deleteAccessKey(previous.userName, id),
    );
    return { status: 'deleted', accessKeyId: id };
  }

  private log(): CallLog {
    return new CallLog(this.deps.clock, this.deps.sleep, this.deps.config.callRetry);
  }

  private async schedule(action: KeyRetirementAction, secretId: string, accessKeyId: string, dueAt: string) {
    const name = keyRetirementScheduleName(action, accessKeyId, dueAt);
    await this.log().run('scheduler:CreateSchedule', name, () =>
      this.deps.scheduler.create({
        name,
        expression: atExpression(dueAt),
        event: { kind: 'KeyRetirementDue', schemaVersion: '1', action, secretId, accessKeyId },
      }),
    );
  }
}

/** The grace period of a replaced key could not be scheduled, so the key was deactivated at once. */
export function graceNotScheduledFinding(
  secretName: string,
  previous: { readonly userName: string; readonly accessKeyId: string },
  error: string,
  at: string,
): Finding {
  const identityKey = `user/${previous.userName}`;
  return {
    id: findingId('provisioning-failed', identityKey, `key-grace:${previous.accessKeyId}`),
    type: 'provisioning-failed',
    severity: DEFAULT_SEVERITY['provisioning-failed'],
    status: 'open',
    source: 'rotation',
    identityKey,
    title: `the grace period of access key ${previous.accessKeyId} (secret ${secretName}) could not be scheduled; the key was deactivated at once and a workload still using it may fail`,
    evidence: { secretId: secretName, accessKeyId: previous.accessKeyId, error },
    firstSeen: at,
    lastSeen: at,
    frameworks: FRAMEWORKS['provisioning-failed'],
  };
}
