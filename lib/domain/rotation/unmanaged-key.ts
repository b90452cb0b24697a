import type { FindingStore } from '../../ports/finding-store.js';
import { DEFAULT_SEVERITY, type Finding, FRAMEWORKS, findingId } from '../finding.js';
import { openFinding } from '../provisioning/findings.js';
import type { UnmanagedKey } from './keys.js';

/**
 * An `unmanaged-access-key` finding: a managed user holds an access key its secret does not hold, so
 * rotation stopped rather than delete a key someone may use. One finding per key.
 */
export function unmanagedKeyFinding(
  userName: string,
  secretName: string,
  key: UnmanagedKey,
  at: string,
): Finding {
  const identityKey = `user/${userName}`;
  return {
    id: findingId('unmanaged-access-key', identityKey, key.accessKeyId),
    type: 'unmanaged-access-key',
    severity: DEFAULT_SEVERITY['unmanaged-access-key'],
    status: 'open',
    source: 'rotation',
    identityKey,
    title: `access key ${key.accessKeyId} of user ${userName} is not held by secret ${secretName}; rotation stopped and did not delete it`,
    evidence: {
      secretId: secretName,
      accessKeyId: key.accessKeyId,
      keyStatus: key.status,
      keyCreatedAt: key.createdAt,
    },
    firstSeen: at,
    lastSeen: at,
    frameworks: FRAMEWORKS['unmanaged-access-key'],
  };
}

/** Opens one finding per unmanaged key (refreshing `lastSeen` of one already open). */
export async function reportUnmanagedKeys(
  store: FindingStore,
  userName: string,
  secretName: string,
  keys: readonly UnmanagedKey[],
  at: string,
): Promise<void> {
  for (const k of keys) await openFinding(store, unmanagedKeyFinding(userName, secretName, k, at));
}

/** Resolves the open findings about keys the user no longer has (someone removed or handed them over). */
export async function resolveGoneUnmanagedKeys(
  store: FindingStore,
  userName: string,
  presentKeyIds: readonly string[],
  at: string,
): Promise<void> {
  const open = (await store.listByIdentity(`user/${userName}`)).filter(
    (f) => f.type === 'unmanaged-access-key' && f.status === 'open',
  );
  for (const f of open) {
    if (!presentKeyIds.includes(String(f.evidence.accessKeyId))) {
      await store.put({ ...f, status: 'resolved', resolvedAt: at, lastSeen: at });
    }
  }
}
