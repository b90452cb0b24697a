import { END_OF_TIME, type QueryOptions, type ReportSources } from '../sources.js';
import { buildExceptionsReport, type ExceptionsReport } from './build.js';

/** Active (and overdue) and expired exceptions, from the by-expiry index. */
export async function exceptionsReport(
  sources: ReportSources,
  query: { readonly expiringWithinDays: number },
  options: QueryOptions,
): Promise<ExceptionsReport> {
  const [approved, expired] = await Promise.all([
    sources.decisions.listExpiringBefore('approved', END_OF_TIME),
    sources.decisions.listExpiringBefore('expired', END_OF_TIME),
  ]);
  return buildExceptionsReport({
    now: options.now,
    expiringWithinDays: query.expiringWithinDays,
    decisions: [...approved, ...expired].filter((d) => d.kind === 'exception'),
  });
}
