import type { Campaign, ReviewItem } from '../../certification.js';
import { daysBetween, daysUntil } from '../stats.js';

export interface CampaignRow {
  readonly campaignId: string;
  readonly name: string;
  readonly status: Campaign['status'];
  readonly createdAt: string;
  readonly dueAt: string;
  /** Open and past its due date. */
  readonly overdue: boolean;
  readonly daysToDue: number;
  readonly items: number;
  readonly reviewed: number;
  readonly kept: number;
  readonly revoked: number;
  readonly pending: number;
  /** Reviewed items as a percentage of all items, one decimal; 100 for a campaign with no items. */
  readonly completionPct: number;
}

export interface OverdueItemRow {
  readonly campaignId: string;
  readonly campaignName: string;
  readonly dueAt: string;
  readonly daysOverdue: number;
  readonly itemId: string;
  readonly identityKey: string;
  readonly entitlementKey: string;
  readonly owner: string | null;
}

export interface ReviewsReport {
  readonly report: 'reviews';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly summary: {
    readonly campaigns: number;
    readonly open: number;
    readonly overdueCampaigns: number;
    readonly items: number;
    readonly reviewed: number;
    readonly pending: number;
    readonly overdueItems: number;
    /** Reviewed items as a percentage of all items; null when there is nothing to review. */
    readonly completionPct: number | null;
  };
  readonly campaigns: readonly CampaignRow[];
  readonly byReviewer: readonly { readonly reviewer: string; readonly reviewed: number }[];
  readonly overdueItems: readonly OverdueItemRow[];
}

export interface ReviewsReportInput {
  readonly now: Date;
  readonly campaigns: readonly Campaign[];
  /** Items per campaign id; a campaign without an entry is counted from its own counters. */
  readonly items: ReadonlyMap<string, readonly ReviewItem[]>;
}

const pct = (done: number, total: number) => (total === 0 ? 100 : Math.round((done / total) * 1000) / 10);

/** Certification completion per campaign, and the items still waiting past their due date. */
export function buildReviewsReport(input: ReviewsReportInput): ReviewsReport {
  const now = input.now;
  const overdueItems: OverdueItemRow[] = [];
  const reviewers = new Map<string, number>();
  const campaigns: CampaignRow[] = [...input.campaigns]
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id))
    .map((c) => {
      const overdue = c.status === 'open' && Date.parse(c.dueAt) < now.getTime();
      const items = input.items.get(c.id);
      if (!items) {
        return {
          campaignId: c.id,
          name: c.name,
          status: c.status,
          createdAt: c.createdAt,
          dueAt: c.dueAt,
          overdue,
          daysToDue: daysUntil(c.dueAt, now),
          items: c.itemCount,
          reviewed: c.completedCount,
          kept: 0,
          revoked: 0,
          pending: c.itemCount - c.completedCount,
          completionPct: pct(c.completedCount, c.itemCount),
        };
      }
      for (const item of items) {
        if (item.reviewer && item.outcome !== 'pending') {
          reviewers.set(item.reviewer, (reviewers.get(item.reviewer) ?? 0) + 1);
        }
        if (overdue && item.outcome === 'pending') {
          overdueItems.push({
            campaignId: c.id,
            campaignName: c.name,
            dueAt: c.dueAt,
            daysOverdue: Math.max(0, daysBetween(c.dueAt, now)),
            itemId: item.itemId,
            identityKey: item.identityKey,
            entitlementKey: item.entitlementKey,
            owner: item.owner ?? null,
          });
        }
      }
      const kept = items.filter((i) => i.outcome === 'keep').length;
      const revoked = items.filter((i) => i.outcome === 'revoke').length;
      return {
        campaignId: c.id,
        name: c.name,
        status: c.status,
        createdAt: c.createdAt,
        dueAt: c.dueAt,
        overdue,
        daysToDue: daysUntil(c.dueAt, now),
        items: items.length,
        reviewed: kept + revoked,
        kept,
        revoked,
        pending: items.length - kept - revoked,
        completionPct: pct(kept + revoked, items.length),
      };
    });

  const items = campaigns.reduce((n, c) => n + c.items, 0);
  const reviewed = campaigns.reduce((n, c) => n + c.reviewed, 0);
  return {
    report: 'reviews',
    asOf: now.toISOString(),
    summary: {
      campaigns: campaigns.length,
      open: campaigns.filter((c) => c.status === 'open').length,
      overdueCampaigns: campaigns.filter((c) => c.overdue).length,
      items,
      reviewed,
      pending: items - reviewed,
      overdueItems: overdueItems.length,
      completionPct: items === 0 ? null : pct(reviewed, items),
    },
    campaigns,
    byReviewer: [...reviewers.entries()]
      .map(([reviewer, n]) => ({ reviewer, reviewed: n }))
      .sort((a, b) => b.reviewed - a.reviewed || a.reviewer.localeCompare(b.reviewer)),
    overdueItems: overdueItems.sort(
      (a, b) =>
        b.daysOverdue - a.daysOverdue ||
        a.campaignId.localeCompare(b.campaignId) ||
        a.itemId.localeCompare(b.itemId),
    ),
  };
}
