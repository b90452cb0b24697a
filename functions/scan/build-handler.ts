import type { KeyUpgradeOutcome } from '../../lib/adapters/dynamodb/key-upgrade.js';
import { accountOfArn } from '../../lib/domain/account.js';
import { AppError } from '../../lib/domain/errors.js';
import type { FindingType } from '../../lib/domain/finding.js';
import type { Policy } from '../../lib/domain/policy/schema.js';
import { runScan, type ScanDeps } from '../../lib/domain/scanning/run-scan.js';
import { assertNotInFuture } from '../../lib/domain/scanning/scan-time.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { IamDirectory } from '../../lib/ports/iam-directory.js';
import { ScanEvent } from './schema.js';

export interface ScanHandlerDeps extends ScanDeps {
  readonly directory: IamDirectory;
  readonly policy: Policy;
  readonly clock: Clock;
  /** The account scanned; by default the one in the invoked function's ARN. */
  readonly accountId?: string;
  /** Counts for CloudWatch (Powertools metrics in Lambda). */
  readonly record?: (summary: ScanSummary) => void;
  /**
   * Brings findings stored by an older version up to the current index keys, once per table (a marker
   * item records it): the deployed stack needs no manual step after an upgrade. Runs after a scan that
   * stored, within the time `until` leaves; what it did not finish, the next scan continues.
   */
  readonly upgradeKeys?: (until?: () => boolean) => Promise<KeyUpgradeOutcome>;
}

/** Time the handler keeps for itself after the key upgrade (the summary, metrics, the response). */
const KEY_UPGRADE_RESERVE_MS = 15_000;

/** What the function returns and logs: counts only, never evidence. */
export interface ScanSummary {
  readonly asOf: string;
  readonly accountId: string;
  /** False when the scan ran read-only (dated before the account's newest scan): nothing was stored. */
  readonly stored: boolean;
  readonly identities: number;
  readonly open: number;
  readonly suppressed: number;
  readonly resolved: number;
  /** Findings stored by this scan (opened, changed, resolved): an unchanged finding costs no write. */
  readonly written: number;
  readonly revokesRequested: number;
  readonly revokesFailed: number;
  readonly metricsDay: string;
  /** Open findings per type (types with none are left out). */
  readonly openByType: Readonly<Partial<Record<FindingType, number>>>;
  /** Certification coverage: NHIs in scope, reviewed within the policy interval, overdue. */
  readonly reviews: { readonly inScope: number; readonly reviewed: number; readonly overdue: number };
  /** Findings re-keyed by the key upgrade (absent when the table's keys were already current). */
  readonly keyUpgrade?: { readonly updated: number; readonly complete: boolean };
}

/** Some system revokes could not be filed: the findings are stored, the invocation fails so it alarms and retries. */
export class RevokeFilingError extends AppError {
  constructor(message: string) {
    super('REVOKE_FILING_FAILED', message);
  }
}

/**
 * The scheduled scan: live inventory → every rule → findings, revokes and the day's metrics. An
 * `asOf` in the future is refused before IAM is read; one before the account's newest scan runs
 * read-only (`stored: false`).
 */
export function buildHandler(deps: ScanHandlerDeps) {
  return async (
    event: unknown,
    context?: { invokedFunctionArn?: string; getRemainingTimeInMillis?: () => number },
  ): Promise<ScanSummary> => {
    const input = parseOrThrow(ScanEvent, event, 'scan event');
    const now = deps.clock.now();
    const asOf = input?.asOf ? new Date(input.asOf) : now;
    assertNotInFuture(asOf, now, 'asOf');
    const fromContext = context?.invokedFunctionArn ? accountOfArn(context.invokedFunctionArn) : undefined;
    const accountId = deps.accountId ?? fromContext;
    const inventory = await deps.directory.readInventory();
    const result = await runScan(deps, {
      inventory,
      policy: deps.policy,
      asOf,
      now,
      ...(accountId ? { accountId } : {}),
    });
    // AWS Security Hub gets the scan from its own function (functions/security-hub-export), prompted by
    // the ScanCompleted event the scan log's stream raises once the scan is recorded.
    // After the scan's own work, and only when it stored: a read-only scan still writes nothing.
    const remaining = context?.getRemainingTimeInMillis;
    const upgraded =
      deps.upgradeKeys && result.mode.kind === 'write'
        ? await deps.upgradeKeys(remaining ? () => remaining() < KEY_UPGRADE_RESERVE_MS : undefined)
        : undefined;
    const summary: ScanSummary = {
      asOf: result.asOf,
      accountId: result.accountId,
      stored: result.mode.kind === 'write',
      identities: result.inventory.roles + result.inventory.users,
      open: result.findings.filter((f) => f.status === 'open').length,
      suppressed: result.findings.filter((f) => f.status === 'suppressed').length,
      resolved: result.resolved.length,
      written: result.written,
      revokesRequested: result.revokes.requested.length,
      revokesFailed: result.revokes.failed.length,
      metricsDay: result.metrics.day,
      openByType: result.metrics.governance.openFindings.byType,
      reviews: {
        inScope: result.metrics.governance.reviewCompletion.inScope,
        reviewed: result.metrics.governance.reviewCompletion.reviewed,
        overdue: result.metrics.governance.reviewCompletion.overdue,
      },
      ...(upgraded?.state === 'ran'
        ? { keyUpgrade: { updated: upgraded.updated, complete: upgraded.complete } }
        : {}),
    };
    deps.record?.(summary);
    if (result.revokes.failed.length > 0) {
      throw new RevokeFilingError(
        `could not file system revokes for ${result.revokes.failed.map((f) => `${f.decisionId} (${f.error})`).join(', ')}`,
      );
    }
    return summary;
  };
}
