import * as z from 'zod';
import { accountOfArn } from '../../lib/domain/account.js';
import { EVENT_SOURCE, ScanCompletedDetail } from '../../lib/domain/events.js';
import {
  exportScan,
  type ScanExportDeps,
  type ScanExportOutcome,
} from '../../lib/domain/scanning/export-scan.js';
import { parseOrThrow } from '../../lib/domain/validation.js';

/** The EventBridge event this function is routed: the suite's own `ScanCompleted`. */
const ScanCompletedEvent = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal('ScanCompleted'),
  detail: ScanCompletedDetail,
});

export type SecurityHubExportDeps = ScanExportDeps;

/**
 * Exports the scan a `ScanCompleted` event names to AWS Security Hub (exportScan: only the account's
 * newest recorded scan, only this function's own account). A malformed event and an export Security
 * Hub keeps refusing throw, so EventBridge and Lambda retry and the failure destination keeps the rest.
 */
export function buildHandler(deps: SecurityHubExportDeps) {
  return async (event: unknown, context?: { invokedFunctionArn?: string }): Promise<ScanExportOutcome> => {
    const { detail } = parseOrThrow(ScanCompletedEvent, event, 'ScanCompleted event');
    const own = context?.invokedFunctionArn ? accountOfArn(context.invokedFunctionArn) : undefined;
    return exportScan(deps, { accountId: detail.accountId, asOf: detail.asOf }, own);
  };
}
