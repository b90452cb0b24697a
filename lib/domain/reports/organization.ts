import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { ScanLog } from '../../ports/scan-log.js';
import type { Decision } from '../decision.js';
import { COMPLETE_ACTION, type ExecutionRecord } from '../execution.js';
import type { Finding, FindingType } from '../finding.js';
import { type OrganizationUnits, unitsOf } from '../organization.js';
import type { Severity } from '../primitives.js';
import type { ProgressFn, ReportWindow } from './common.js';
import { SEVERITIES_WORST_FIRST } from './common.js';
import { daysInRange, distribution } from './stats.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The finding types that say IAM and the decisions disagree: drift, seen from the scanner. */
export const DRIFT_TYPES: readonly FindingType[] = [
  'unapproved-access',
  'missing-access',
  'policy-changed-since-approval',
];

/** What the organization report reads: one Query per account partition, and the shared indexes. */
export interface OrganizationSources {
  readonly findings: Pick<FindingStore, 'listByStatus'> & {
    /** The open and suppressed findings of one account: one Query on its `ACCOUNT#<id>` partition. */
    listActiveInAccount(accountId: string): Promise<Finding[]>;
  };
  readonly decisions: Pick<DecisionStore, 'listByStatus' | 'get'>;
  readonly executions: Pick<ExecutionTrail, 'listForDay'>;
  readonly scans: Pick<ScanLog, 'listLatestScans'>;
}

export interface OrganizationQuery {
  /** Which accounts sit in which unit (the policy's `organization.units`). */
  readonly units: OrganizationUnits;
  /** Only these accounts (`--account`, or the accounts of `--ou`); every known account when absent. */
  readonly accounts?: readonly string[];
  /** An account whose last scan is older than this is stale. */
  readonly scanIntervalHours: number;
  /** Exceptions expiring within this many days are counted as expiring. */
  readonly expiringWithinDays: number;
  /** Provisioning in this window. */
  readonly window: ReportWindow;
}

/** The figures of one account. Every count adds up across accounts into the organization's. */
export interface AccountFigures {
  readonly openFindings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly suppressedFindings: number;
  readonly driftFindings: number;
  readonly activeExceptions: number;
  readonly expiringExceptions: number;
  readonly pendingDecisions: number;
  /** Break-glass activations still in force whose post-activation review has not been done. */
  readonly reviewsDue: number;
  /** Completed executions in the window (grants, removals, rotations). */
  readonly provisioned: number;
  readonly provisioningFailed: number;
}

export interface AccountRow extends AccountFigures {
  readonly accountId: string;
  readonly units: readonly string[];
  /** As-of of the account's last scan: the moment its figures describe. */
  readonly lastScanAsOf: string | null;
  readonly stale: boolean;
  /** Why the account is stale: never scanned, or how old its last scan is. */
  readonly staleReason: string | null;
  /** Median time from decision to completed execution, in the window. */
  readonly provisioningMedianMs: number | null;
}

export interface OrganizationReport {
  readonly report: 'organization';
  readonly asOf: string;
  readonly window: ReportWindow;
  readonly scanIntervalHours: number;
  readonly accounts: readonly AccountRow[];
  /** The sum of the rows' figures: the organization-wide answer. */
  readonly totals: AccountFigures & { readonly accounts: number; readonly staleAccounts: number };
  /** Accounts whose figures are older than the expected scan interval, or that never reported. */
  readonly stale: readonly string[];
  readonly provisioningMedianMs: number | null;
}

/** What the builder needs, read already: pure, so a test can compare it with the per-account reports. */
export interface OrganizationInput {
  readonly now: Date;
  readonly query: OrganizationQuery;
  readonly scans: readonly { accountId: string; asOf: string }[];
  /** Open and suppressed findings by account (each account's partition). */
  readonly findings: ReadonlyMap<string, readonly Finding[]>;
  /** Pending and approved decisions (and break-glass awaiting review). */
  readonly decisions: readonly Decision[];
  /** Complete execution records in the window, with the account of their decision. */
  readonly executions: readonly { record: ExecutionRecord; accountId: string | undefined }[];
}

const ZERO_SEVERITY = (): Record<Severity, number> =>
  Object.fromEntries(SEVERITIES_WORST_FIRST.map((s) => [s, 0])) as Record<Severity, number>;

/** The accounts a report covers: those asked for, or every account scanned or listed in a unit. */
export function reportAccounts(query: OrganizationQuery, scanned: readonly string[]): string[] {
  if (query.accounts) return [...new Set(query.accounts)].sort();
  return [...new Set([...scanned, ...Object.values(query.units).flat()])].sort();
}

/** Builds the organization report from what was read. */
export function buildOrganizationReport(input: OrganizationInput): OrganizationReport {
  const { now, query } = input;
  const scanned = new Map(input.scans.map((s) => [s.accountId, s.asOf]));
  const accounts = reportAccounts(query, [...scanned.keys()]);
  const expiringBy = now.getTime() + query.expiringWithinDays * DAY_MS;
  const rows = accounts.map((accountId): AccountRow => {
    const findings = input.findings.get(accountId) ?? [];
    const open = findings.filter((f) => f.status === 'open');
    const bySeverity = ZERO_SEVERITY();
    for (const f of open) bySeverity[f.severity] += 1;
    const decisions = input.decisions.filter((d) => d.accountId === accountId);
    const exceptions = decisions.filter((d) => d.kind === 'exception' && d.status === 'approved');
    const executions = input.executions.filter((e) => e.accountId === accountId).map((e) => e.record);
    const latencies = executions.filter((r) => r.status === 'succeeded').flatMap(latencyOf);
    const asOf = scanned.get(accountId) ?? null;
    const ageHours = asOf === null ? null : (now.getTime() - Date.parse(asOf)) / HOUR_MS;
    const stale = ageHours === null || ageHours > query.scanIntervalHours;
    return {
      accountId,
      units: unitsOf(query.units, accountId),
      lastScanAsOf: asOf,
      stale,
      staleReason:
        ageHours === null
          ? 'never scanned'
          : stale
            ? `last scan ${Math.floor(ageHours)} h old (expected every ${query.scanIntervalHours} h)`
            : null,
      openFindings: open.length,
      bySeverity,
      suppressedFindings: findings.filter((f) => f.status === 'suppressed').length,
      driftFindings: open.filter((f) => DRIFT_TYPES.includes(f.type)).length,
      activeExceptions: exceptions.length,
      expiringExceptions: exceptions.filter((d) => d.expiresAt && Date.parse(d.expiresAt) <= expiringBy)
        .length,
      pendingDecisions: decisions.filter((d) => d.status === 'pending').length,
      reviewsDue: decisions.filter(
        (d) => d.kind === 'break-glass' && d.status !== 'pending' && !d.reviewedBy && d.reviewDueAt,
      ).length,
      provisioned: executions.filter((r) => r.status === 'succeeded').length,
      provisioningFailed: executions.filter((r) => r.status === 'failed').length,
      provisioningMedianMs: latencies.length ? distribution(latencies).median : null,
    };
  });
  const allLatencies = input.executions
    .filter((e) => accounts.includes(e.accountId as string) && e.record.status === 'succeeded')
    .flatMap((e) => latencyOf(e.record));
  return {
    report: 'organization',
    asOf: now.toISOString(),
    window: query.window,
    scanIntervalHours: query.scanIntervalHours,
    accounts: rows,
    totals: { ...sumFigures(rows), accounts: rows.length, staleAccounts: rows.filter((r) => r.stale).length },
    stale: rows.filter((r) => r.stale).map((r) => r.accountId),
    provisioningMedianMs: allLatencies.length ? distribution(allLatencies).median : null,
  };
}

/** The organization's figures: each account's added up. */
export function sumFigures(rows: readonly AccountFigures[]): AccountFigures {
  const bySeverity = ZERO_SEVERITY();
  for (const r of rows) for (const s of SEVERITIES_WORST_FIRST) bySeverity[s] += r.bySeverity[s];
  const sum = (k: Exclude<keyof AccountFigures, 'bySeverity'>) => rows.reduce((n, r) => n + r[k], 0);
  return {
    openFindings: sum('openFindings'),
    bySeverity,
    suppressedFindings: sum('suppressedFindings'),
    driftFindings: sum('driftFindings'),
    activeExceptions: sum('activeExceptions'),
    expiringExceptions: sum('expiringExceptions'),
    pendingDecisions: sum('pendingDecisions'),
    reviewsDue: sum('reviewsDue'),
    provisioned: sum('provisioned'),
    provisioningFailed: sum('provisioningFailed'),
  };
}

function latencyOf(r: ExecutionRecord): number[] {
  if (r.latencyMs !== undefined) return [r.latencyMs];
  if (r.decidedAt === undefined) return [];
  return [Math.max(0, Date.parse(r.finishedAt) - Date.parse(r.decidedAt))];
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The account of a decision: the prefix of an organization id, else the stored decision's. */
async function accountsOfDecisions(
  sources: OrganizationSources,
  ids: readonly string[],
  known: ReadonlyMap<string, string | undefined>,
): Promise<Map<string, string | undefined>> {
  const out = new Map(known);
  const missing = [...new Set(ids)].filter((id) => !out.has(id));
  const found = await mapLimit(missing, 8, (id) => sources.decisions.get(id));
  for (const [i, id] of missing.entries()) out.set(id, found[i]?.accountId);
  return out;
}

/**
 * The organization-wide view: per account, open findings by severity, drift, exceptions, pending
 * decisions and reviews, provisioning in the window, and when its last scan ran; the totals are the
 * accounts' figures added up, and accounts whose last scan is older than the expected interval (or
 * that never reported) are listed as stale: their figures are their last known ones.
 * Reads one Query per account partition (findings), two on the by-status index (decisions) and one
 * per day of the window (executions), whatever the number of accounts in the table.
 */
export async function organizationReport(
  sources: OrganizationSources,
  query: OrganizationQuery,
  options: { now: Date; progress?: ProgressFn },
): Promise<OrganizationReport> {
  const scans = await sources.scans.listLatestScans();
  const accounts = reportAccounts(
    query,
    scans.map((s) => s.accountId),
  );
  let done = 0;
  const perAccount = await mapLimit(accounts, 8, async (account) => {
    const findings = await sources.findings.listActiveInAccount(account);
    options.progress?.(++done, accounts.length, `reading findings of ${account}`);
    return [account, findings] as const;
  });
  // Pending and approved only: what is in force or waiting. Revoked and expired history is not read,
  // so the report's cost does not grow with the organization's past.
  const decisions = [
    ...(await sources.decisions.listByStatus('pending')),
    ...(await sources.decisions.listByStatus('approved')),
  ];
  const days = daysInRange(new Date(query.window.since), new Date(query.window.until));
  const records = (await mapLimit(days, 4, (day) => sources.executions.listForDay(day)))
    .flat()
    .filter(
      (r) =>
        r.action === COMPLETE_ACTION &&
        r.finishedAt >= query.window.since &&
        r.finishedAt <= query.window.until,
    );
  const accountOf = await accountsOfDecisions(
    sources,
    records.map((r) => r.decisionId),
    new Map(decisions.map((d) => [d.id, d.accountId])),
  );
  return buildOrganizationReport({
    now: options.now,
    query,
    scans,
    findings: new Map(perAccount),
    decisions,
    executions: records.map((record) => ({ record, accountId: accountOf.get(record.decisionId) })),
  });
}
