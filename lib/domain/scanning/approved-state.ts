import { type Decision, isInForce } from '../decision.js';
import { entitlementKey } from '../request.js';

/** What governance says one identity should look like, replayed from its approved decisions. */
export interface ApprovedIdentityState {
  readonly identityKey: string;
  /** An approved create-identity decision stands behind the identity (and no later delete). */
  readonly identityDecision?: Decision;
  /** In-force grants (standing, or JIT not yet expired), by entitlement key. */
  readonly entitlements: ReadonlyMap<string, Decision>;
  /** Grants that are still `approved` but past their expiry: reported as `expired-grant`, not drift. */
  readonly expiredEntitlements: ReadonlyMap<string, Decision>;
  /** The latest approval about this identity: the "last reviewed" date of the certification rule. */
  readonly lastApprovedAt?: string;
}

const decidedAt = (d: Decision) => d.decidedAt ?? d.createdAt;

/** When a time-bound decision ends: its `expiresAt`, or an exception request's own expiry. */
export function expiryOf(d: Decision): string | undefined {
  return d.expiresAt ?? (d.request.kind === 'exception' ? d.request.expiresAt : undefined);
}

/** True when a time-bound approved decision's end is at or before `asOf`. */
export function isExpired(d: Decision, asOf: Date): boolean {
  const end = expiryOf(d);
  return end !== undefined && Date.parse(end) <= asOf.getTime();
}

/**
 * Replays approved decisions per identity in the order they were decided: create-identity makes the
 * identity, delete-identity removes it with its grants, grant and break-glass add an entitlement
 * (in force until `expiresAt`), revoke removes one. Decisions made after `asOf` are ignored, so a
 * scan "as of" a past date sees what governance had approved by then.
 */
export function approvedState(approved: readonly Decision[], asOf: Date): Map<string, ApprovedIdentityState> {
  const byIdentity = new Map<string, Decision[]>();
  const cutoff = asOf.toISOString();
  for (const d of approved) {
    if (d.status !== 'approved' || decidedAt(d) > cutoff) continue;
    const list = byIdentity.get(d.identityKey) ?? [];
    list.push(d);
    byIdentity.set(d.identityKey, list);
  }
  const states = new Map<string, ApprovedIdentityState>();
  for (const [key, decisions] of byIdentity) {
    decisions.sort((a, b) => decidedAt(a).localeCompare(decidedAt(b)) || a.id.localeCompare(b.id));
    let identityDecision: Decision | undefined;
    // Every grant in force (or approved but expired) per entitlement: two grants can back one
    // entitlement, and a revoke ends only the grant it names.
    const inForce = new Map<string, Decision[]>();
    const expiredGrants = new Map<string, Decision[]>();
    const add = (map: Map<string, Decision[]>, key: string, d: Decision) =>
      map.set(key, [...(map.get(key) ?? []), d]);
    for (const d of decisions) {
      const r = d.request;
      switch (r.kind) {
        case 'create-identity':
          identityDecision = d;
          break;
        case 'delete-identity':
          identityDecision = undefined;
          inForce.clear();
          expiredGrants.clear();
          break;
        case 'grant':
        case 'break-glass': {
          const ek = entitlementKey(r.entitlement);
          if (isInForce(d, asOf)) {
            add(inForce, ek, d);
            expiredGrants.delete(ek);
          } else add(expiredGrants, ek, d);
          break;
        }
        case 'revoke': {
          const ek = entitlementKey(r.entitlement);
          const target = d.revokes ?? r.revokes;
          if (target === undefined) {
            inForce.delete(ek);
            expiredGrants.delete(ek);
            break;
          }
          for (const map of [inForce, expiredGrants]) {
            const left = (map.get(ek) ?? []).filter((g) => g.id !== target);
            if (left.length > 0) map.set(ek, left);
            else map.delete(ek);
          }
          break;
        }
        default:
          break;
      }
    }
    const latest = (map: Map<string, Decision[]>) =>
      new Map([...map].map(([ek, list]) => [ek, list.at(-1) as Decision]));
    const entitlements = latest(inForce);
    const expired = latest(expiredGrants);
    const last = decisions.at(-1);
    states.set(key, {
      identityKey: key,
      ...(identityDecision ? { identityDecision } : {}),
      entitlements,
      expiredEntitlements: expired,
      ...(last ? { lastApprovedAt: decidedAt(last) } : {}),
    });
  }
  return states;
}

/** Approved exceptions whose expiry is still ahead: they suppress the findings they name. */
export function activeExceptions(approved: readonly Decision[], asOf: Date): Decision[] {
  return approved.filter(
    (d) =>
      d.request.kind === 'exception' &&
      d.status === 'approved' &&
      !isExpired(d, asOf) &&
      decidedAt(d) <= asOf.toISOString(),
  );
}
