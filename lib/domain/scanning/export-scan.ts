import type { FindingExporter } from '../../ports/finding-exporter.js';
import type { FindingQueries } from '../../ports/finding-store.js';
import type { ScanLog } from '../../ports/scan-log.js';
import type { Finding, FindingStatus } from '../finding.js';

/** What exporting a recorded scan reads and where it sends it. */
export interface ScanExportDeps {
  readonly scans: ScanLog;
  readonly findings: FindingQueries;
  readonly exporter: FindingExporter;
}

/** The scan an event names: its account and its as-of. */
export interface ScanRef {
  readonly accountId: string;
  readonly asOf: string;
}

/** What an export did: the findings sent (by status), or why nothing was sent. */
export type ScanExportOutcome =
  | {
      readonly accountId: string;
      readonly asOf: string;
      readonly sent: number;
      readonly open: number;
      readonly suppressed: number;
      readonly resolved: number;
    }
  | { readonly skipped: string };

const ACTIVE: readonly FindingStatus[] = ['open', 'suppressed'];

/**
 * Sends one recorded scan's findings to the exporter (AWS Security Hub), as the scan itself did before
 * the export had its own function: the account's open and suppressed findings, and the findings that
 * scan resolved, each as stored, with the scan's as-of as the records' update time.
 *
 * The event that names the scan is only a prompt. Nothing is sent unless the scan is the newest in its
 * account's scan log (a replayed, stale or forged `ScanCompleted` sends nothing, and a forged as-of can
 * never date a record), and, when `ownAccountId` is given, unless the account is this one (an
 * organization's bus also carries the members' scans).
 * @throws whatever the exporter throws (`FINDING_EXPORT_FAILED` after its retries): the caller retries.
 */
export async function exportScan(
  deps: ScanExportDeps,
  scan: ScanRef,
  ownAccountId?: string,
): Promise<ScanExportOutcome> {
  if (ownAccountId !== undefined && scan.accountId !== ownAccountId) {
    return { skipped: `scan of account ${scan.accountId}, not of this account (${ownAccountId})` };
  }
  const latest = await deps.scans.latestScan(scan.accountId);
  if (!latest) return { skipped: `account ${scan.accountId} has no recorded scan` };
  if (latest.asOf !== scan.asOf) {
    return { skipped: `scan ${scan.asOf} is not the newest of account ${scan.accountId} (${latest.asOf})` };
  }
  const active: Finding[] = [];
  for (const status of ACTIVE) {
    for await (const page of deps.findings.pagesOf({ status, accountId: scan.accountId }))
      active.push(...page);
  }
  // Resolved by this scan: the reconciliation dates a resolution at the scan's as-of.
  const resolved: Finding[] = [];
  for await (const page of deps.findings.pagesOf({ status: 'resolved', accountId: scan.accountId })) {
    resolved.push(...page.filter((f) => f.resolvedAt === latest.asOf));
  }
  const { sent } = await deps.exporter.export([...active, ...resolved], latest.asOf);
  return {
    accountId: scan.accountId,
    asOf: latest.asOf,
    sent,
    open: active.filter((f) => f.status === 'open').length,
    suppressed: active.filter((f) => f.status === 'suppressed').length,
    resolved: resolved.length,
  };
}
