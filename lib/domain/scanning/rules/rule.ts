import type { Decision } from '../../decision.js';
import type { FindingType } from '../../finding.js';
import type { ScannerFindingType } from '../../findings/types/index.js';
import type { AccessKey, IamInventory } from '../../inventory.js';
import type { PolicyFile } from '../../policy/schema.js';
import { DAY_MS } from '../../primitives.js';
import { type ApprovedIdentityState, isExpired } from '../approved-state.js';
import type { ClassifiedIdentity } from '../classify.js';
import { daysSinceToken } from '../dated-title.js';

/** What a rule saw: everything a finding needs except what the store and exceptions add. */
export interface FindingDraft<T extends FindingType = FindingType> {
  readonly type: T;
  readonly identityKey: string;
  readonly identityArn?: string;
  readonly owner?: string;
  /** What within the identity this is about (a key slot, an entitlement, a decision): part of the id. */
  readonly subject: string;
  readonly title: string;
  readonly evidence: Record<string, unknown>;
  /** For expired grants and exceptions: the system revoke to file through governance. */
  readonly revoke?: { readonly decisionId: string; readonly reason: RevokeReason };
}

export type RevokeReason = 'grant-expired' | 'exception-expired' | 'break-glass-expired';

/** Everything the rules read. */
export interface RuleInput {
  readonly asOf: Date;
  readonly policy: PolicyFile;
  readonly identities: readonly ClassifiedIdentity[];
  readonly states: ReadonlyMap<string, ApprovedIdentityState>;
  /** Approved decisions (all kinds) known at `asOf`. */
  readonly approved: readonly Decision[];
  /** Break-glass decisions in any post-approval status (approved, revoked, expired). */
  readonly breakGlass: readonly Decision[];
  /** Latest certification-campaign review (keep or revoke) of each identity, when campaigns are read. */
  readonly lastCertifiedAt?: ReadonlyMap<string, string>;
  /** The scanned inventory itself: managed policy documents and groups for the document-level rules. */
  readonly inventory?: IamInventory;
}

/**
 * One scanner rule: the finding type it raises (whose metadata is `lib/domain/findings/types/<type>.ts`)
 * and the pure function that finds its conditions in a scan's input.
 */
export interface ScannerRule<T extends ScannerFindingType = ScannerFindingType> {
  readonly type: T;
  readonly run: (input: RuleInput) => FindingDraft<T>[];
}

const indexes = new WeakMap<readonly ClassifiedIdentity[], Map<string, ClassifiedIdentity>>();

/** The scanned identity with this key, through an index built once per scan. */
export function identityOf(input: RuleInput, key: string): ClassifiedIdentity | undefined {
  let index = indexes.get(input.identities);
  if (!index) {
    index = new Map(input.identities.map((i) => [i.key, i]));
    indexes.set(input.identities, index);
  }
  return index.get(key);
}

/**
 * Whole days between an instant and the as-of, for titles: a token the scan renders at its as-of and
 * the store re-renders at the finding's lastSeen, so the count moving by a day is no change to store
 * (lib/domain/scanning/dated-title.ts).
 */
export const daysSince = (iso: string, _asOf: Date) => daysSinceToken(iso);

/** True when `iso` lies more than `days` days before `asOf` (exactly `days` days is not more). */
export const olderThan = (iso: string, asOf: Date, days: number) =>
  asOf.getTime() - Date.parse(iso) > days * DAY_MS;

export const who = (i: ClassifiedIdentity) => ({
  identityKey: i.key,
  identityArn: i.arn,
  ...(i.owner ? { owner: i.owner } : {}),
});

/** An active access key of an NHI user, with what both key rules put in their evidence. */
export interface ActiveNhiKey {
  readonly identity: ClassifiedIdentity & { readonly type: 'user' };
  readonly key: AccessKey;
  readonly subject: string;
  readonly evidence: Record<string, unknown>;
}

/** Every active access key of every NHI user, in inventory order. */
export function activeNhiKeys(input: RuleInput): ActiveNhiKey[] {
  const keys: ActiveNhiKey[] = [];
  for (const identity of input.identities) {
    if (identity.type !== 'user' || identity.category !== 'nhi') continue;
    for (const key of identity.user.accessKeys) {
      if (!key.active) continue;
      keys.push({
        identity,
        key,
        subject: `access-key-${key.slot}`,
        evidence: {
          slot: key.slot,
          ...(key.accessKeyId ? { accessKeyId: key.accessKeyId } : {}),
          lastRotatedAt: key.lastRotatedAt ?? null,
          lastUsedAt: key.lastUsedAt ?? null,
          lastUsedService: key.lastUsedService ?? null,
        },
      });
    }
  }
  return keys;
}

/** The identity fields an expired decision's finding carries. */
export interface ExpiredCommon {
  readonly identityKey: string;
  readonly identityArn?: string;
  readonly owner?: string | undefined;
  readonly subject: string;
}

/**
 * The approved, time-bound decisions of these kinds that are past their expiry at `asOf` and that
 * governance has not closed yet, with the identity fields their findings share.
 */
export function expiredApproved(
  input: RuleInput,
  kinds: readonly Decision['request']['kind'][],
): { decision: Decision; common: ExpiredCommon }[] {
  return input.approved.flatMap((decision) => {
    if (!kinds.includes(decision.request.kind) || !isExpired(decision, input.asOf)) return [];
    const identity = identityOf(input, decision.identityKey);
    return [
      {
        decision,
        common: {
          identityKey: decision.identityKey,
          ...(identity ? { identityArn: identity.arn } : {}),
          owner: identity?.owner ?? decision.owner,
          subject: decision.id,
        },
      },
    ];
  });
}
