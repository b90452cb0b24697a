import type { Campaign, ReviewItem } from '../domain/certification.js';
import type { Decision } from '../domain/decision.js';

export type CampaignStatus = Campaign['status'];

/** Certification campaigns and their review items, kept in the decisions table (docs/data-model.md). */
export interface CampaignStore {
  /**
   * Stores a new campaign with all its items.
   * @throws ConflictError when a campaign with that id exists.
   */
  create(campaign: Campaign, items: readonly ReviewItem[]): Promise<void>;

  get(id: string, options?: { consistent?: boolean }): Promise<Campaign | undefined>;

  getItem(
    campaignId: string,
    itemId: string,
    options?: { consistent?: boolean },
  ): Promise<ReviewItem | undefined>;

  /** Every item of a campaign, in item id order. */
  listItems(campaignId: string): Promise<ReviewItem[]>;

  /** Campaigns in a status, soonest due first. */
  listByStatus(status: CampaignStatus): Promise<Campaign[]>;

  /**
   * Writes a reviewed item (conditioned on the item's version and the campaign being open), counts it
   * on the campaign, and with `revokeDecisions` stores those new decisions, all in one transaction.
   * Closes the campaign when this was its last pending item. Returns the campaign after the review.
   * @throws ConflictError when the item changed, the campaign is closed, or the decision id exists.
   */
  recordReview(
    reviewed: ReviewItem,
    expectedItemVersion: number,
    options?: { revokeDecisions?: readonly Decision[] },
  ): Promise<Campaign>;
}
