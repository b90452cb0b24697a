import type { CampaignStore } from '../../ports/campaign-store.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingStore } from '../../ports/finding-store.js';
import type { ScanLog } from '../../ports/scan-log.js';
import type { Campaign, ReviewItem } from '../certification.js';
import type { Decision, DeniedAttempt } from '../decision.js';
import { NotFoundError } from '../errors.js';
import type { ExecutionRecord } from '../execution.js';
import type { Finding, FindingStatus, FindingType } from '../finding.js';
import type { MetricsSnapshot } from '../metrics.js';
import { SEVERITY_RANK, type Severity } from '../primitives.js';
import { type AuditReport, type AuditSubject, buildAuditReport } from './audit.js';
import type { ProgressFn, ReportWindow } from './common.js';
import { buildDriftReport, type DriftReport } from './drift.js';
import { buildExceptionsReport, type ExceptionsReport } from './exceptions.js';
import { buildFindingsReport, type FindingsOverTimePoint, type FindingsReport } from './findings.js';
import type { OverviewReport } from './overview.js';
import { buildProvisioningReport, type ProvisioningReport } from './provisioning.js';
import { buildReviewsReport, type ReviewsReport } from './reviews.js';
import { daysInRange } from './stats.js';
import { buildViolationsReport, VIOLATION_FINDING_TYPES, type ViolationsReport } from './violations.js';

/**
 * What the reports read, and only through the tables' indexes: every method here is a Query on a key
 * or an index, or a GetItem. None is a Scan, so a report costs the same on a table of a million items
 * as on a small one, apart from what it returns.
 */
export interface ReportSources {
  readonly decisions: Pick<
    DecisionStore,
    'get' | 'listExpiringBefore' | 'listByIdentity' | 'listDeniedAttempts' | 'listDeniedAttemptsSince'
  >;
  readonly executions: Pick<ExecutionTrail, 'listForDecision' | 'listForIdentity' | 'listForDay'>;
  readonly findings: Pick<FindingStore, 'listByStatus' | 'listByOwner' | 'listByIdentity'>;
  /** Daily metrics snapshots (findings table, `pk = METRICS`), one per day a scan ran, when the store offers them. */
  readonly metrics?: { listMetrics(from: string, to: string): Promise<readonly MetricsSnapshot[]> };
  /** Each account's latest scan (the scan log), for "when did the last scan run", when the store offers it. */
  readonly scans?: Pick<ScanLog, 'listLatestScans'>;
  /** Certification campaigns, when the store offers them. */
  readonly campaigns?: Pick<CampaignStore, 'listByStatus' | 'listItems'>;
}

export interface QueryOptions {
  readonly now: Date;
  readonly progress?: ProgressFn;
}

/** One step per day is a Query on the executions table's by-day index; more than this is refused. */
export const MAX_WINDOW_DAYS = 366;

const FINDING_STATUSES: readonly FindingStatus[] = ['open', 'suppressed', 'resolved'];
/** Far enough in the future to list every time-bound decision on the by-expiry index. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Reads the decisions with these ids (GetItem each), skipping ids that do not exist. */
async function decisionsById(
  sources: ReportSources,
  ids: Iterable<string>,
  progress?: ProgressFn,
): Promise<Map<string, Decision>> {
  const unique = [...new Set(ids)];
  let done = 0;
  const found = await mapLimit(unique, 8, async (id) => {
    const decision = await sources.decisions.get(id);
    progress?.(++done, unique.length, `reading decision ${id}`);
    return decision;
  });
  return new Map(found.filter((d): d is Decision => d !== undefined).map((d) => [d.id, d]));
}

/** The executions finished in a window: one by-day Query per UTC day. */
export async function executionsInWindow(
  sources: ReportSources,
  window: ReportWindow,
  progress?: ProgressFn,
): Promise<ExecutionRecord[]> {
  const days = daysInRange(new Date(window.since), new Date(window.until));
  // Days finish out of order (four at a time): count finished days, so the counter only goes up.
  let done = 0;
  const perDay = await mapLimit(days, 4, async (day) => {
    const records = await sources.executions.listForDay(day);
    progress?.(++done, days.length, `reading executions of ${day}`);
    return records;
  });
  return perDay.flat().filter((r) => r.finishedAt >= window.since && r.finishedAt <= window.until);
}

export interface FindingsQuery {
  readonly window: ReportWindow;
  /** How often scans are meant to run (hours): an older last scan is flagged. Default 24. */
  readonly scanIntervalHours?: number;
  readonly status: FindingStatus;
  readonly owner?: string;
  readonly type?: FindingType;
  readonly minSeverity?: Severity;
}

/** A metrics snapshot as a point of "open findings over time". */
export function snapshotPoint(s: MetricsSnapshot): FindingsOverTimePoint {
  const by = s.governance.openFindings.bySeverity;
  return {
    day: s.day,
    total: s.governance.openFindings.total,
    critical: by.critical ?? 0,
    high: by.high ?? 0,
    medium: by.medium ?? 0,
    low: by.low ?? 0,
    info: by.info ?? 0,
  };
}

/** Open (or suppressed, resolved) findings by type, severity, owner and age, with their trend. */
export async function findingsReport(
  sources: ReportSources,
  query: FindingsQuery,
  options: QueryOptions,
): Promise<FindingsReport> {
  const list = (status: FindingStatus) =>
    query.owner
      ? sources.findings
          .listByOwner(query.owner, status)
          .then((fs) => (query.type ? fs.filter((f) => f.type === query.type) : fs))
      : sources.findings.listByStatus(status, query.type);
  const atLeast = (f: Finding) =>
    query.minSeverity === undefined || SEVERITY_RANK[f.severity] >= SEVERITY_RANK[query.minSeverity];

  options.progress?.(0, 2, 'reading findings');
  const findings = (await list(query.status)).filter(atLeast);

  // The daily snapshots count every open finding, so they only draw the trend of an unfiltered report.
  // Each is a day a scan ran; days without a scan have no point (nothing is derived or filled in).
  options.progress?.(1, 2, 'reading scan history');
  const unfiltered = !query.owner && !query.type && !query.minSeverity;
  let snapshots: FindingsOverTimePoint[] = [];
  if (sources.metrics && unfiltered) {
    const from = query.window.since.slice(0, 10);
    const to = query.window.until.slice(0, 10);
    snapshots = (await sources.metrics.listMetrics(from, to))
      .filter((m) => m.takenAt <= query.window.until)
      .map(snapshotPoint);
  }
  // The scan log's latest scan of each account at or before "now"; with several accounts, the one
  // whose last scan is oldest is the one a reader must hear about.
  const now = options.now.toISOString();
  const lastScans = sources.scans ? (await sources.scans.listLatestScans()).filter((r) => r.asOf <= now) : [];
  const stalest = lastScans.sort((a, b) => a.asOf.localeCompare(b.asOf))[0];
  options.progress?.(2, 2, 'done');
  return buildFindingsReport({
    now: options.now,
    window: query.window,
    scope: {
      status: query.status,
      owner: query.owner ?? null,
      type: query.type ?? null,
      minSeverity: query.minSeverity ?? null,
    },
    findings,
    snapshots,
    ...(stalest ? { lastScan: stalest } : {}),
    ...(query.scanIntervalHours ? { scanIntervalHours: query.scanIntervalHours } : {}),
  });
}

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

/** Provisioning latency over a window, from the executions' by-day index and the decisions behind them. */
export async function provisioningReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow },
  options: QueryOptions,
): Promise<ProvisioningReport> {
  const records = (await executionsInWindow(sources, query.window, options.progress)).filter(
    (r) => r.action === 'complete',
  );
  // Only grants can be either "time to grant" or "time to remove"; the decision's history tells which.
  const ambiguous = records.filter((r) => !['revoke', 'delete-identity', 'rotate'].includes(r.kind));
  const decisions = await decisionsById(
    sources,
    ambiguous.map((r) => r.decisionId),
    options.progress,
  );
  return buildProvisioningReport({ now: options.now, window: query.window, records, decisions });
}

/** Denied attempts, forged events and unapproved access in a window. */
export async function violationsReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow },
  options: QueryOptions,
): Promise<ViolationsReport> {
  const [deniedAttempts, ...findingLists] = await Promise.all([
    sources.decisions.listDeniedAttemptsSince(query.window.since),
    ...VIOLATION_FINDING_TYPES.flatMap((type) =>
      FINDING_STATUSES.map((status) => sources.findings.listByStatus(status, type)),
    ),
  ]);
  return buildViolationsReport({
    now: options.now,
    window: query.window,
    deniedAttempts: deniedAttempts as DeniedAttempt[],
    findings: (findingLists as Finding[][]).flat(),
  });
}

/**
 * Every IAM change in a window (or of some identities) joined with its decision, and the access with no
 * decision at all. Without identities: one by-day Query per day and the open unapproved-access
 * findings; with identities: their by-identity Queries.
 */
export async function driftReport(
  sources: ReportSources,
  query: { readonly window: ReportWindow; readonly identities: readonly string[] | null },
  options: QueryOptions,
): Promise<DriftReport> {
  let records: ExecutionRecord[];
  let unapproved: Finding[];
  if (query.identities) {
    const keys = [...new Set(query.identities)];
    let done = 0;
    const perIdentity = await mapLimit(keys, 4, async (key) => {
      const [executions, findings] = await Promise.all([
        sources.executions.listForIdentity(key),
        sources.findings.listByIdentity(key),
      ]);
      options.progress?.(++done, keys.length, `reading ${key}`);
      return { executions, findings };
    });
    records = perIdentity.flatMap((p) => p.executions);
    unapproved = perIdentity.flatMap((p) => p.findings);
  } else {
    records = await executionsInWindow(sources, query.window, options.progress);
    unapproved = (
      await Promise.all([
        sources.findings.listByStatus('open', 'unapproved-access'),
        sources.findings.listByStatus('open', 'policy-changed-since-approval'),
      ])
    ).flat();
  }
  const decisions = await decisionsById(
    sources,
    records.map((r) => r.decisionId),
    options.progress,
  );
  return buildDriftReport({
    now: options.now,
    window: query.window,
    identities: query.identities,
    records,
    decisions,
    unapprovedFindings: unapproved,
  });
}

/** True when a finding is about this decision: raised on it, suppressed by it, or naming it in evidence. */
function concernsDecision(finding: Finding, decisionId: string): boolean {
  return (
    finding.identityKey === `decision/${decisionId}` ||
    finding.suppressedBy === decisionId ||
    JSON.stringify(finding.evidence).includes(decisionId)
  );
}

/**
 * The full trail of one decision or one identity.
 * @throws NotFoundError when the subject is a decision id that does not exist.
 */
export async function auditReport(
  sources: ReportSources,
  subject: { readonly decisionId: string } | { readonly identityKey: string },
  options: QueryOptions,
): Promise<AuditReport> {
  if ('decisionId' in subject) {
    const decision = await sources.decisions.get(subject.decisionId);
    if (!decision) throw new NotFoundError(`no decision with id ${subject.decisionId}`);
    const [deniedAttempts, executions, onDecision, onIdentity] = await Promise.all([
      sources.decisions.listDeniedAttempts(decision.id),
      sources.executions.listForDecision(decision.id),
      sources.findings.listByIdentity(`decision/${decision.id}`),
      sources.findings.listByIdentity(decision.identityKey),
    ]);
    const auditSubject: AuditSubject = {
      type: 'decision',
      decisionId: decision.id,
      identityKey: decision.identityKey,
    };
    return buildAuditReport({
      now: options.now,
      subject: auditSubject,
      decisions: [decision],
      deniedAttempts,
      executions,
      findings: [...onDecision, ...onIdentity.filter((f) => concernsDecision(f, decision.id))],
    });
  }
  const key = subject.identityKey;
  const [decisions, executions, findings] = await Promise.all([
    sources.decisions.listByIdentity(key),
    sources.executions.listForIdentity(key),
    sources.findings.listByIdentity(key),
  ]);
  let done = 0;
  const perDecision = await mapLimit(decisions, 8, async (d) => {
    const [attempts, onDecision] = await Promise.all([
      sources.decisions.listDeniedAttempts(d.id),
      sources.findings.listByIdentity(`decision/${d.id}`),
    ]);
    options.progress?.(++done, decisions.length, `reading decision ${d.id}`);
    return { attempts, onDecision };
  });
  return buildAuditReport({
    now: options.now,
    subject: { type: 'identity', identityKey: key },
    decisions,
    deniedAttempts: perDecision.flatMap((p) => p.attempts),
    executions,
    findings: [...findings, ...perDecision.flatMap((p) => p.onDecision)],
  });
}

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

/** Findings, exceptions, provisioning, violations and reviews over one window, for one page. */
export async function overviewReport(
  sources: ReportSources,
  query: {
    readonly window: ReportWindow;
    readonly expiringWithinDays: number;
    readonly scanIntervalHours?: number;
  },
  options: QueryOptions,
): Promise<OverviewReport> {
  const quiet = { now: options.now };
  options.progress?.(0, 5, 'reading findings');
  const findings = await findingsReport(
    sources,
    {
      window: query.window,
      status: 'open',
      ...(query.scanIntervalHours ? { scanIntervalHours: query.scanIntervalHours } : {}),
    },
    quiet,
  );
  options.progress?.(1, 5, 'reading exceptions');
  const exceptions = await exceptionsReport(sources, query, quiet);
  options.progress?.(2, 5, 'reading executions');
  const provisioning = await provisioningReport(sources, query, quiet);
  options.progress?.(3, 5, 'reading violations');
  const violations = await violationsReport(sources, query, quiet);
  options.progress?.(4, 5, 'reading campaigns');
  const reviews = sources.campaigns ? await reviewsReport(sources, query, quiet) : null;
  options.progress?.(5, 5, 'done');
  return {
    report: 'overview',
    asOf: options.now.toISOString(),
    findings,
    exceptions,
    provisioning,
    violations,
    reviews,
  };
}
