import type { Decision } from '../decision.js';
import type { FindingType } from '../finding.js';
import type { IamInventory } from '../inventory.js';
import type { PolicyFile } from '../policy/schema.js';
import { entitlementKey } from '../request.js';
import { type ApprovedIdentityState, expiryOf, isExpired } from './approved-state.js';
import { type ClassifiedIdentity, hasActiveKey } from './classify.js';
import { policyChangedSinceApproval } from './policy-changed-rule.js';
import { privilegeEscalation } from './privilege-escalation-rule.js';

export const DAY_MS = 86_400_000;

/** What a rule saw: everything a finding needs except what the store and exceptions add. */
export interface FindingDraft {
  readonly type: FindingType;
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

const indexes = new WeakMap<readonly ClassifiedIdentity[], Map<string, ClassifiedIdentity>>();

/** The scanned identity with this key, through an index built once per scan. */
function identityOf(input: RuleInput, key: string): ClassifiedIdentity | undefined {
  let index = indexes.get(input.identities);
  if (!index) {
    index = new Map(input.identities.map((i) => [i.key, i]));
    indexes.set(input.identities, index);
  }
  return index.get(key);
}

/** Whole days between an instant and `asOf`, rounded down: for evidence, not for the rules. */
const daysSince = (iso: string, asOf: Date) => Math.floor((asOf.getTime() - Date.parse(iso)) / DAY_MS);

/** True when `iso` lies more than `days` days before `asOf` (exactly `days` days is not more). */
export const olderThan = (iso: string, asOf: Date, days: number) =>
  asOf.getTime() - Date.parse(iso) > days * DAY_MS;

export const who = (i: ClassifiedIdentity) => ({
  identityKey: i.key,
  identityArn: i.arn,
  ...(i.owner ? { owner: i.owner } : {}),
});

/** `stale-role`: created more than N days ago and not used in the last N days (or never). */
export function staleRoles(input: RuleInput): FindingDraft[] {
  const days = input.policy.thresholds.staleRoleDays;
  return input.identities.flatMap((i) => {
    if (i.type !== 'role' || i.category !== 'nhi') return [];
    if (!olderThan(i.createdAt, input.asOf, days)) return [];
    const lastUsed = i.role.lastUsedAt;
    if (lastUsed && !olderThan(lastUsed, input.asOf, days)) return [];
    return [
      {
        type: 'stale-role',
        ...who(i),
        subject: '',
        title: lastUsed
          ? `role ${i.name} not used for ${daysSince(lastUsed, input.asOf)} days`
          : `role ${i.name} never used since it was created ${daysSince(i.createdAt, input.asOf)} days ago`,
        evidence: {
          createdAt: i.createdAt,
          lastUsedAt: lastUsed ?? null,
          lastUsedRegion: i.role.lastUsedRegion ?? null,
          thresholdDays: days,
        },
      },
    ];
  });
}

/**
 * `unused-access-key`: an active key not used in N days, or never used and created (first rotated)
 * more than N days ago. `unrotated-access-key`: an active key last rotated more than N days ago.
 */
export function accessKeyFindings(input: RuleInput): FindingDraft[] {
  const unusedDays = input.policy.thresholds.unusedKeyDays;
  const rotationDays = input.policy.thresholds.keyRotationDays;
  const drafts: FindingDraft[] = [];
  for (const i of input.identities) {
    if (i.type !== 'user' || i.category !== 'nhi') continue;
    for (const key of i.user.accessKeys) {
      if (!key.active) continue;
      const subject = `access-key-${key.slot}`;
      const evidence = {
        slot: key.slot,
        ...(key.accessKeyId ? { accessKeyId: key.accessKeyId } : {}),
        lastRotatedAt: key.lastRotatedAt ?? null,
        lastUsedAt: key.lastUsedAt ?? null,
        lastUsedService: key.lastUsedService ?? null,
      };
      const unused = key.lastUsedAt
        ? olderThan(key.lastUsedAt, input.asOf, unusedDays)
        : key.lastRotatedAt !== undefined && olderThan(key.lastRotatedAt, input.asOf, unusedDays);
      if (unused) {
        drafts.push({
          type: 'unused-access-key',
          ...who(i),
          subject,
          title: key.lastUsedAt
            ? `access key ${key.slot} of ${i.name} not used for ${daysSince(key.lastUsedAt, input.asOf)} days`
            : `access key ${key.slot} of ${i.name} never used, created ${daysSince(key.lastRotatedAt as string, input.asOf)} days ago`,
          evidence: { ...evidence, thresholdDays: unusedDays },
        });
      }
      if (key.lastRotatedAt && olderThan(key.lastRotatedAt, input.asOf, rotationDays)) {
        drafts.push({
          type: 'unrotated-access-key',
          ...who(i),
          subject,
          title: `access key ${key.slot} of ${i.name} last rotated ${daysSince(key.lastRotatedAt, input.asOf)} days ago`,
          evidence: { ...evidence, thresholdDays: rotationDays },
        });
      }
    }
  }
  return drafts;
}

/** `human-use-of-nhi`: an NHI user that also has a console password. */
export function humanUseOfNhi(input: RuleInput): FindingDraft[] {
  return input.identities.flatMap((i) => {
    if (i.type !== 'user' || i.category !== 'nhi' || i.user.passwordEnabled !== true) return [];
    return [
      {
        type: 'human-use-of-nhi',
        ...who(i),
        subject: '',
        title: `${i.name} has a console password and ${hasActiveKey(i.user) ? 'an active access key' : 'is a managed NHI'}`,
        evidence: {
          passwordEnabled: true,
          passwordLastUsedAt: i.user.passwordLastUsedAt ?? null,
          mfaActive: i.user.mfaActive ?? null,
          activeAccessKeys: i.user.accessKeys.filter((k) => k.active).map((k) => k.slot),
          managedPath: i.managed,
        },
      },
    ];
  });
}

/** `orphaned-identity`: an NHI with no `nhi-gov:owner` tag and no decision naming an owner. */
export function orphanedIdentities(input: RuleInput): FindingDraft[] {
  return input.identities.flatMap((i) =>
    i.category === 'nhi' && !i.owner
      ? [
          {
            type: 'orphaned-identity' as const,
            ...who(i),
            subject: '',
            title: `${i.type} ${i.name} has no owner`,
            evidence: { path: i.path, ownerTag: null, decisions: 0 },
          },
        ]
      : [],
  );
}

/**
 * Drift, both ways, for the managed path. `unapproved-access`: an identity, managed policy attachment
 * or inline policy that IAM shows with no in-force approved decision behind it. `missing-access`: an
 * in-force approved identity or grant that IAM does not show.
 */
export function drift(input: RuleInput): FindingDraft[] {
  const drafts: FindingDraft[] = [];
  const seen = new Set<string>();
  for (const i of input.identities) {
    seen.add(i.key);
    const state = input.states.get(i.key);
    if (i.managed && i.category !== 'aws-managed') {
      if (!state?.identityDecision) {
        drafts.push({
          type: 'unapproved-access',
          ...who(i),
          subject: 'identity',
          title: `${i.type} ${i.name} exists under the managed path with no approved create-identity decision`,
          evidence: {
            path: i.path,
            createdAt: i.createdAt,
            approvedDecisions: state ? 'grants only' : 'none',
          },
        });
      }
      const item = i.type === 'role' ? i.role : i.user;
      const shown = [
        ...item.attachedManagedPolicies.map((p) => ({
          key: entitlementKey({ type: 'managed-policy', policyArn: p.arn }),
          what: `managed policy ${p.name}`,
          evidence: { policyArn: p.arn },
        })),
        ...item.inlinePolicies.map((p) => ({
          key: `inline-policy:${p.name}`,
          what: `inline policy ${p.name}`,
          evidence: { policyName: p.name },
        })),
      ];
      for (const e of shown) {
        if (state?.entitlements.has(e.key) || state?.expiredEntitlements.has(e.key)) continue;
        drafts.push({
          type: 'unapproved-access',
          ...who(i),
          subject: e.key,
          title: `${e.what} on ${i.name} has no approved grant behind it`,
          evidence: { entitlement: e.key, ...e.evidence },
        });
      }
    }
    if (state) drafts.push(...missingFor(i, state));
  }
  for (const [key, state] of input.states) {
    if (!seen.has(key)) drafts.push(...missingFor(undefined, state));
  }
  return drafts;
}

function missingFor(i: ClassifiedIdentity | undefined, state: ApprovedIdentityState): FindingDraft[] {
  const drafts: FindingDraft[] = [];
  const base = {
    identityKey: state.identityKey,
    ...(i ? { identityArn: i.arn } : {}),
  };
  if (!i && state.identityDecision) {
    drafts.push({
      type: 'missing-access',
      ...base,
      owner: state.identityDecision.owner,
      subject: 'identity',
      title: `${state.identityKey} was approved (decision ${state.identityDecision.id}) but IAM does not show it`,
      evidence: {
        decisionId: state.identityDecision.id,
        decidedAt: state.identityDecision.decidedAt ?? null,
      },
    });
  }
  const item = i ? (i.type === 'role' ? i.role : i.user) : undefined;
  const shown = new Set([
    ...(item?.attachedManagedPolicies ?? []).map((p) => `managed-policy:${p.arn}`),
    ...(item?.inlinePolicies ?? []).map((p) => `inline-policy:${p.name}`),
  ]);
  for (const [key, decision] of state.entitlements) {
    if (shown.has(key)) continue;
    drafts.push({
      type: 'missing-access',
      ...base,
      owner: decision.owner,
      subject: key,
      title: `approved ${key} on ${state.identityKey} is not in IAM`,
      evidence: {
        entitlement: key,
        decisionId: decision.id,
        decidedAt: decision.decidedAt ?? null,
        identityInIam: i !== undefined,
      },
    });
  }
  return drafts;
}

/**
 * `expired-grant` and `expired-exception`: approved, time-bound decisions past their expiry that
 * governance has not closed yet. Each also asks for a system revoke.
 */
export function expiredDecisions(input: RuleInput): FindingDraft[] {
  return input.approved.flatMap((d): FindingDraft[] => {
    const kind = d.request.kind;
    if (kind !== 'grant' && kind !== 'break-glass' && kind !== 'exception') return [];
    if (!isExpired(d, input.asOf)) return [];
    const expiresAt = expiryOf(d) as string;
    const identity = identityOf(input, d.identityKey);
    const common = {
      identityKey: d.identityKey,
      ...(identity ? { identityArn: identity.arn } : {}),
      owner: identity?.owner ?? d.owner,
      subject: d.id,
    };
    if (d.request.kind === 'exception') {
      return [
        {
          type: 'expired-exception',
          ...common,
          title: `exception ${d.id} on ${d.identityKey} expired ${expiresAt}`,
          evidence: {
            decisionId: d.id,
            expiresAt,
            findingTypes: d.request.findingTypes,
            riskOwner: d.request.riskAcceptance.owner,
          },
          revoke: { decisionId: d.id, reason: 'exception-expired' },
        },
      ];
    }
    if (d.request.kind === 'grant' || d.request.kind === 'break-glass') {
      return [
        {
          type: 'expired-grant',
          ...common,
          title: `${d.request.kind} ${d.id} of ${entitlementKey(d.request.entitlement)} on ${d.identityKey} expired ${expiresAt}`,
          evidence: {
            decisionId: d.id,
            kind: d.request.kind,
            entitlement: entitlementKey(d.request.entitlement),
            expiresAt,
          },
          revoke: {
            decisionId: d.id,
            reason: d.request.kind === 'break-glass' ? 'break-glass-expired' : 'grant-expired',
          },
        },
      ];
    }
    return [];
  });
}

/**
 * `certification-overdue`: an NHI under the managed path whose last review is more than
 * `certification.intervalDays` before the scan. Its last review is the later of its latest approved
 * decision and its latest certification-campaign review; with neither, its creation date.
 */
export function certificationOverdue(input: RuleInput): FindingDraft[] {
  const interval = input.policy.certification.intervalDays;
  return input.identities.flatMap((i) => {
    if (!i.managed || i.category !== 'nhi') return [];
    const approvedAt = input.states.get(i.key)?.lastApprovedAt;
    const certifiedAt = input.lastCertifiedAt?.get(i.key);
    // ISO timestamps sort as text: the later of the two, whichever exist.
    const lastReviewedAt = [approvedAt, certifiedAt]
      .filter((t): t is string => t !== undefined)
      .sort()
      .at(-1);
    const since = lastReviewedAt ?? i.createdAt;
    if (!olderThan(since, input.asOf, interval)) return [];
    return [
      {
        type: 'certification-overdue' as const,
        ...who(i),
        subject: '',
        title: `${i.name} not reviewed for ${daysSince(since, input.asOf)} days (every ${interval} days required)`,
        evidence: {
          lastReviewedAt: lastReviewedAt ?? null,
          lastApprovedDecisionAt: approvedAt ?? null,
          lastCampaignReviewAt: certifiedAt ?? null,
          createdAt: i.createdAt,
          intervalDays: interval,
        },
      },
    ];
  });
}

/** `break-glass-review-overdue`: emergency access whose review was due before the scan and never happened. */
export function breakGlassReviewOverdue(input: RuleInput): FindingDraft[] {
  return input.breakGlass.flatMap((d) => {
    if (d.request.kind !== 'break-glass' || !d.reviewDueAt || d.reviewedAt) return [];
    if (Date.parse(d.reviewDueAt) >= input.asOf.getTime()) return [];
    const identity = identityOf(input, d.identityKey);
    return [
      {
        type: 'break-glass-review-overdue' as const,
        identityKey: d.identityKey,
        ...(identity ? { identityArn: identity.arn } : {}),
        owner: identity?.owner ?? d.owner,
        subject: d.id,
        title: `break-glass ${d.id} on ${d.identityKey} was due for review at ${d.reviewDueAt}`,
        evidence: {
          decisionId: d.id,
          requester: d.requester,
          activatedAt: d.decidedAt ?? null,
          reviewDueAt: d.reviewDueAt,
          status: d.status,
        },
      },
    ];
  });
}

/** Every scanner rule, in report order. */
export const RULES: readonly ((input: RuleInput) => FindingDraft[])[] = [
  staleRoles,
  accessKeyFindings,
  humanUseOfNhi,
  orphanedIdentities,
  drift,
  expiredDecisions,
  certificationOverdue,
  breakGlassReviewOverdue,
  privilegeEscalation,
  policyChangedSinceApproval,
];
