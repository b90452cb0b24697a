import * as z from 'zod';
import { BOUNDS, boundedText, IAM_LIMITS } from './bounds.js';
import { Id, IsoTimestamp, PrincipalArn } from './primitives.js';

export const CampaignStatus = z.enum(['open', 'closed']);

/** Which identities a campaign re-reviews. An empty scope means every NHI in the managed path. */
export const CampaignScope = z.strictObject({
  /** IAM path prefix, e.g. `/nhi/payments/`. */
  pathPrefix: boundedText(IAM_LIMITS.pathLength).startsWith('/').optional(),
  /** Identity keys (`role/<name>`, `user/<name>`) or globs over them (`role/payments-*`). */
  identities: z
    .array(boundedText(BOUNDS.campaignPatternLength, { min: 1 }))
    .max(BOUNDS.campaignIdentities, `at most ${BOUNDS.campaignIdentities} identities or patterns`)
    .optional(),
});
export type CampaignScope = z.infer<typeof CampaignScope>;

export const Campaign = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(200),
  scope: CampaignScope,
  createdBy: PrincipalArn,
  createdAt: IsoTimestamp,
  dueAt: IsoTimestamp,
  status: CampaignStatus,
  policyVersion: z.string().min(1),
  itemCount: z.number().int().nonnegative(),
  completedCount: z.number().int().nonnegative(),
  version: z.number().int().positive(),
});
export type Campaign = z.infer<typeof Campaign>;

export const ReviewOutcome = z.enum(['pending', 'keep', 'revoke']);
export type ReviewOutcome = z.infer<typeof ReviewOutcome>;

/** One entitlement of one identity, to be kept or revoked by a reviewer. */
export const ReviewItem = z.strictObject({
  campaignId: Id,
  itemId: z.string().min(1),
  identityKey: z.string().min(1),
  /** `managed-policy:<arn>`, `inline-policy:<name>` or `identity` for the identity as a whole. */
  entitlementKey: z.string().min(1),
  /** The decision that granted this entitlement, when there is one. */
  grantDecisionId: Id.optional(),
  /**
   * Every in-force decision the item covers when several back the same entitlement (merged item); the
   * reviewer must be independent of each.
   */
  coveredDecisionIds: z.array(Id).max(100).optional(),
  owner: z.string().optional(),
  outcome: ReviewOutcome,
  reviewer: PrincipalArn.optional(),
  reviewedAt: IsoTimestamp.optional(),
  note: z.string().optional(),
  /** The revoke request a `revoke` outcome filed through governance (the first, for a merged item). */
  revokeDecisionId: Id.optional(),
  /** A merged item's `revoke` files one revoke per grant it covers: all of them. */
  revokeDecisionIds: z.array(Id).max(100).optional(),
  version: z.number().int().positive(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;
