import type { AccessKeyInfo } from '../../ports/iam-admin.js';

/** What the secret says about the user's keys when createSecret makes room for a new one. */
export interface KeyRoomInput {
  readonly keys: readonly AccessKeyInfo[];
  /** The key the secret holds as AWSCURRENT: never touched. */
  readonly currentKeyId: string | undefined;
  /** The key the secret holds as AWSPREVIOUS: the rotation's own, on its way out. */
  readonly previousKeyId: string | undefined;
  /**
   * When this rotation began (the creation time of its AWSPENDING version). A key that no version
   * holds and that was created at or after it can only be this rotation's own leftover (an earlier
   * attempt died between CreateAccessKey and PutSecretValue). Undefined: nothing can be proven.
   */
  readonly rotationStartedAt: string | undefined;
}

/** A key the secret does not hold and cannot prove its own: a workload's, or someone's by hand. */
export interface UnmanagedKey {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt: string;
}

export type KeyRoom =
  | { readonly ok: true; readonly delete: readonly string[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly unmanaged: readonly UnmanagedKey[] };

/**
 * Which of a user's keys createSecret deletes before creating the new one. Pure.
 *
 * Only a key the rotation can prove its own may go: this rotation's leftover (created since the
 * rotation began, held by no version), and the AWSPREVIOUS key (the one the last rotation replaced;
 * its slot is needed, IAM allows two keys per user). The AWSCURRENT key is never touched. Any other key
 * is unmanaged: an Active one stops the rotation (a workload may be using it), and so does an Inactive
 * one whose slot is needed. Unmanaged keys are never deleted.
 */
export function keysToDelete(input: KeyRoomInput): KeyRoom {
  const { keys, currentKeyId, previousKeyId, rotationStartedAt } = input;
  const started = rotationStartedAt === undefined ? undefined : Date.parse(rotationStartedAt);
  const remove: string[] = [];
  const notes: string[] = [];
  const unmanaged: UnmanagedKey[] = [];
  for (const k of keys) {
    if (k.accessKeyId === currentKeyId) continue;
    if (k.accessKeyId === previousKeyId) {
      remove.push(k.accessKeyId);
      notes.push(
        `${k.accessKeyId}: the ${k.status.toLowerCase()} AWSPREVIOUS key, replaced by the last rotation`,
      );
    } else if (started !== undefined && Date.parse(k.createdAt) >= started) {
      remove.push(k.accessKeyId);
      notes.push(`${k.accessKeyId}: created by an earlier attempt of this rotation and never stored`);
    } else {
      unmanaged.push({ accessKeyId: k.accessKeyId, status: k.status, createdAt: k.createdAt });
    }
  }
  const kept = keys.length - remove.length;
  const blocking = unmanaged.filter((k) => k.status === 'Active' || kept >= 2);
  if (blocking.length > 0) {
    const list = blocking.map((k) => `${k.accessKeyId} (${k.status.toLowerCase()}, created ${k.createdAt})`);
    return {
      ok: false,
      reason: `the user has access keys the secret does not hold: ${list.join(', ')}; nhi-gov never deletes a key it cannot prove its own (hand it over or delete it, then rotate again)`,
      unmanaged: blocking,
    };
  }
  return { ok: true, delete: remove, notes };
}
