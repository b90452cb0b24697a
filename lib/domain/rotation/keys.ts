import type { AccessKeyInfo } from '../../ports/iam-admin.js';

const DAY_MS = 86_400_000;

export type KeyHousekeeping =
  | { readonly ok: true; readonly delete: readonly string[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Which of a user's keys to delete before a new one is created. Pure.
 *
 * - A deactivated (non-current) key is deleted once the grace period is over. IAM does not record when
 *   a key was deactivated; rotation deactivates the old key right after its successor is created, so
 *   the current key's creation time is when the grace period started.
 * - IAM allows two keys per user: when two remain, the non-current one goes (inactive first, then the
 *   oldest), even within the grace period. The key the secret holds as AWSCURRENT is never deleted; if
 *   the secret's key is not on the user at all, active keys are never deleted (someone may use them).
 */
export function keysToDelete(
  keys: readonly AccessKeyInfo[],
  currentKeyId: string | undefined,
  now: Date,
  graceDays: number,
): KeyHousekeeping {
  const current = keys.find((k) => k.accessKeyId === currentKeyId);
  const graceOver = current ? now.getTime() - Date.parse(current.createdAt) >= graceDays * DAY_MS : true;
  const remove = new Set<string>();
  const notes: string[] = [];
  for (const k of keys) {
    if (k !== current && k.status === 'Inactive' && graceOver) {
      remove.add(k.accessKeyId);
      notes.push(`${k.accessKeyId}: inactive past the ${graceDays}-day grace period`);
    }
  }
  const remaining = keys.filter((k) => !remove.has(k.accessKeyId));
  if (remaining.length >= 2) {
    const candidates = remaining
      .filter((k) => k !== current && (current !== undefined || k.status === 'Inactive'))
      .sort((a, b) => {
        if (a.status !== b.status) return a.status === 'Inactive' ? -1 : 1;
        return Date.parse(a.createdAt) - Date.parse(b.createdAt);
      });
    const victim = candidates[0];
    if (!victim) {
      return {
        ok: false,
        reason: `user has ${remaining.length} active access keys and the secret holds neither; refusing to delete a key someone may use`,
      };
    }
    remove.add(victim.accessKeyId);
    notes.push(
      `${victim.accessKeyId}: ${victim.status.toLowerCase()} non-current key deleted to stay within two keys per user`,
    );
  }
  return { ok: true, delete: [...remove], notes };
}
