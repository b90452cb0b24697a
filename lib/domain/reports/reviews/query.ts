import type { Campaign, ReviewItem } from '../../certification.js';
import { NotFoundError } from '../../errors.js';
import type { ReportWindow } from '../common.js';
import { mapLimit, type QueryOptions, type ReportSources } from '../sources.js';
import { buildReviewsReport, type ReviewsReport } from './build.js';

/**
 * Certification campaigns (open, and closed ones due in the window) with their items.
 * @throws NotFoundError when the store has no campaigns (a build without certification).
 */
export async function reviewsReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow; readonly campaignId?: string },
  options: QueryOptions,
): Promise<ReviewsReport> {
  const store = sources.campaigns;
  if (!store) throw new NotFoundError('this store has no certification campaigns');
  const [open, closed] = await Promise.all([store.listByStatus('open'), store.listByStatus('closed')]);
  let campaigns: Campaign[];
  if (query.campaignId !== undefined) {
    campaigns = [...open, ...closed].filter((c) => c.id === query.campaignId);
    if (campaigns.length === 0) throw new NotFoundError(`no campaign with id ${query.campaignId}`);
  } else {
    // Open campaigns always; closed ones only when they were due or started in the window.
    campaigns = [
      ...open,
      ...closed.filter((c) => c.dueAt >= query.window.since || c.createdAt >= query.window.since),
    ];
  }
  let done = 0;
  const items = await mapLimit(campaigns, 4, async (c) => {
    const list = await store.listItems(c.id);
    options.progress?.(++done, campaigns.length, `reading campaign ${c.name}`);
    return [c.id, list] as [string, ReviewItem[]];
  });
  return buildReviewsReport({ now: options.now, campaigns, items: new Map(items) });
}
