import type { CampaignStore } from '../../ports/campaign-store.js';
import type { DecisionStore } from '../../ports/decision-store.js';
import type { ExecutionTrail } from '../../ports/execution-trail.js';
import type { FindingBatch, MetricsStore } from '../../ports/metrics-store.js';
import type { RevokeRequester } from '../../ports/revoke-requester.js';
import type { ScanDigests, WriteClaim } from '../../ports/scan-digest.js';
import type { ScanLog } from '../../ports/scan-log.js';
import { accountOfArn, accountOfInventory } from '../account.js';
import type { Decision } from '../decision.js';
import type { RevokeRequestedDetail } from '../events.js';
import type { Finding } from '../finding.js';
import { compareFindings } from '../finding-order.js';
import type { IamInventory } from '../inventory.js';
import type { MetricsSnapshot } from '../metrics.js';
import type { Policy } from '../policy/schema.js';
import { DAY_MS } from '../primitives.js';
import { activeExceptions, approvedState, isExpired } from './approved-state.js';
import { type ClassifiedIdentity, classifyInventory } from './classify.js';
import { mergeInRanges } from './merge.js';
import { computeMetrics } from './metrics.js';
import { CREDENTIAL_REPORT_TYPES, DOCUMENT_TYPES } from './reconcile.js';
import { RULES, type RuleInput } from './rules/index.js';
import { assertNotInFuture, historyMode, type ScanMode } from './scan-time.js';

/** What a scan reads and writes. Scanners never write IAM: revokes go to governance. */
export interface ScanDeps {
  readonly decisions: Pick<DecisionStore, 'listByStatus' | 'listDeniedAttemptsSince'>;
  readonly findings: FindingBatch;
  readonly metrics: Pick<MetricsStore, 'putMetrics'>;
  readonly executions: Pick<ExecutionTrail, 'listForDay'>;
  readonly revokes: RevokeRequester;
  /** Each account's scans: a scan dated before the newest one stores nothing. */
  readonly scans: Pick<ScanLog, 'latestScan' | 'listLatestScans' | 'recordScan'>;
  /** Certification campaigns, so a `keep` in a campaign counts as a review (optional). */
  readonly campaigns?: Pick<CampaignStore, 'listByStatus' | 'listItems'>;
  /**
   * Each account's digest of its active findings (optional): with it, a re-scan reads only what
   * changed instead of every stored summary, whenever no finding could have changed since the last scan.
   */
  readonly digests?: ScanDigests;
}

export interface ScanInput {
  readonly inventory: IamInventory;
  readonly policy: Policy;
  /** The scan's "now": thresholds count back from here, `firstSeen`/`lastSeen`/`resolvedAt` use it. */
  readonly asOf: Date;
  /** The wall clock: an as-of later than this (beyond the clock skew) is refused. */
  readonly now: Date;
  /** Where the as-of came from, for the refusal message (`--as-of`, `asOf`); default `asOf`. */
  readonly asOfField?: string;
  /**
   * The account scanned, when the caller knows it (the function's own account, `--account`); must
   * agree with the inventory's ARNs. Needed when the inventory has none (an empty account).
   */
  readonly accountId?: string;
  /** Where the account came from, for error messages (`--account`); default `account`. */
  readonly accountField?: string;
  /** Progress lines for a human (the CLI shows them on a TTY). */
  readonly onProgress?: (message: string) => void;
  /** Counted progress of a long phase (`done` of `total`), e.g. writing the findings. */
  readonly onCount?: (done: number, total: number, label: string) => void;
}

export interface ScanResult {
  readonly asOf: string;
  /** The account scanned. */
  readonly accountId: string;
  /** `write`, or `read-only` with the reason: then nothing was stored and no revoke was filed. */
  readonly mode: ScanMode;
  readonly policy: { readonly name: string; readonly version: string; readonly managedPath: string };
  readonly inventory: Pick<IamInventory, 'source' | 'collectedAt' | 'origin'> & {
    readonly accountId?: string;
    readonly roles: number;
    readonly users: number;
  };
  readonly identities: Readonly<Record<ClassifiedIdentity['category'], number>> & {
    readonly managed: number;
  };
  /** Findings this scan saw, open and suppressed, worst first. */
  readonly findings: Finding[];
  /** Stored findings whose condition is gone, now `resolved`. */
  readonly resolved: Finding[];
  /**
   * Findings this scan wrote: opened, changed (content, status, suppression), resolved, or frozen (not
   * judged by this scan, so their lastSeen stops following the scans). Unchanged findings cost no write.
   */
  readonly written: number;
  readonly revokes: {
    readonly requested: RevokeRequestedDetail[];
    readonly failed: { readonly decisionId: string; readonly error: string }[];
  };
  readonly metrics: MetricsSnapshot;
}

const decidedAt = (d: Decision) => d.decidedAt ?? d.createdAt;

/**
 * One full scan: classify the inventory, run every rule against it and the approved decisions,
 * merge with stored findings (stable ids, `firstSeen` kept), apply active exceptions, resolve what is
 * gone, file system revokes for expired grants and exceptions, and store the day's metrics.
 */
export async function runScan(deps: ScanDeps, input: ScanInput): Promise<ScanResult> {
  const { inventory, asOf } = input;
  const policy = input.policy.document;
  const at = asOf.toISOString();
  const progress = input.onProgress ?? (() => {});
  // Time moves forward (DESIGN invariant 11): both checks come before the first write.
  assertNotInFuture(asOf, input.now, input.asOfField ?? 'asOf');
  const accountId = accountOfInventory(inventory, input.accountId, input.accountField);
  const known = await deps.scans.listLatestScans();
  const newest = known.find((s) => s.accountId === accountId);
  let mode = historyMode(at, newest);
  // Decisions that name no account (made before the store knew any, or before accounts were kept)
  // belong to the store's one account; once it holds several, only decisions naming this one count.
  const singleAccount = known.every((s) => s.accountId === accountId);
  const inAccount = (d: Decision) =>
    d.accountId === accountId || (d.accountId === undefined && singleAccount);

  progress('reading decisions');
  const [approvedAll, revoked, expired] = (
    await Promise.all([
      deps.decisions.listByStatus('approved'),
      deps.decisions.listByStatus('revoked'),
      deps.decisions.listByStatus('expired'),
    ])
  ).map((list) => list.filter(inAccount)) as [Decision[], Decision[], Decision[]];
  const approved = approvedAll.filter((d) => decidedAt(d) <= at);
  const breakGlass = [...approved, ...revoked, ...expired].filter(
    (d) => d.request.kind === 'break-glass' && decidedAt(d) <= at,
  );

  progress(`classifying ${inventory.roles.length} roles and ${inventory.users.length} users`);
  const identities = classifyInventory(inventory, policy.managedPath, approved);
  const states = approvedState(approved, asOf);
  const lastCertifiedAt = deps.campaigns ? await campaignReviews(deps.campaigns, at) : undefined;
  const ruleInput: RuleInput = {
    asOf,
    policy,
    identities,
    states,
    approved,
    breakGlass,
    ...(lastCertifiedAt ? { lastCertifiedAt } : {}),
    inventory,
  };
  const drafts = RULES.flatMap((rule) => rule.run(ruleInput));

  const adopted = newest
    ? []
    : adoptable(await deps.findings.listUnscopedActive(), accountId, known.length === 0);
  const exceptions = activeExceptions(approved, asOf);
  const account = { accountId, adopted: new Map(adopted.map((f) => [f.id, f])) };
  // Only the drafts that file a revoke are needed after the merge; the rest can go (memory at 50,000).
  const revokeDrafts = drafts.filter((d) => d.revoke !== undefined);

  const users = new Map(inventory.users.map((u) => [`user/${u.name}`, u]));
  const canJudge = (f: Pick<Finding, 'type' | 'identityKey'>) => {
    // Without managed policy documents this scan could not see document-level conditions again.
    if (DOCUMENT_TYPES.has(f.type) && inventory.managedPolicies === undefined) return false;
    if (!CREDENTIAL_REPORT_TYPES.has(f.type)) return true;
    const user = users.get(f.identityKey);
    return user === undefined || user.credentialReportSeen;
  };
  // The scan is recorded before its first write (the merge writes a range at a time), so what it
  // resolves is read against the scans before it.
  const previousScans = new Map(known.map((s) => [s.accountId, s.asOf]));
  if (mode.kind === 'write') {
    const ranAt = input.now.toISOString();
    const claimed = await deps.scans.recordScan({ accountId, asOf: at, ranAt, source: inventory.source });
    // A scan with a later as-of was recorded since this one started: it wins, this one stores nothing.
    if (!claimed) mode = historyMode(at, await deps.scans.latestScan(accountId));
    if (!claimed && mode.kind === 'write')
      throw new Error(`could not record the scan of account ${accountId}`);
  }
  const writes = mode.kind === 'write';

  // Only this account's findings: a scan of one account never resolves another's. Going backwards,
  // "resolved since the last scan" has no meaning: a read-only scan resolves and writes nothing.
  const claim: WriteClaim | undefined = writes ? await deps.digests?.claim(accountId) : undefined;
  progress(
    `merging ${drafts.length} findings with the store${claim?.pages ? " (from the account's digest)" : ''}`,
  );
  let merged: Awaited<ReturnType<typeof mergeInRanges>>;
  try {
    merged = await mergeInRanges(deps.findings, {
      drafts,
      exceptions,
      policy,
      at,
      account,
      writes,
      canJudge,
      previousScans,
      ...(claim ? { claim } : {}),
      ...(input.onCount ? { onCount: input.onCount } : {}),
    });
  } catch (error) {
    // Best effort: a claim left behind runs out with its lease.
    await claim?.release(false).catch(() => false);
    throw error;
  }
  await claim?.release(true);
  const { current, resolved } = merged;
  const written = merged.seen + merged.settled;
  if (writes) {
    const unchanged = current.length - merged.seen;
    progress(
      `wrote ${merged.seen} findings, resolved ${resolved.length}${unchanged > 0 ? `, ${unchanged} unchanged` : ''}`,
    );
  }

  const requested: RevokeRequestedDetail[] = [];
  const failed: { decisionId: string; error: string }[] = [];
  const filed = new Set<string>();
  for (const draft of writes ? revokeDrafts : []) {
    if (!draft.revoke || filed.has(draft.revoke.decisionId)) continue;
    filed.add(draft.revoke.decisionId);
    const detail: RevokeRequestedDetail = {
      schemaVersion: '1',
      decisionId: draft.revoke.decisionId,
      reason: draft.revoke.reason,
      requestedBy: 'system:scanner',
      requestedAt: at,
    };
    try {
      await deps.revokes.requestRevoke(detail);
      requested.push(detail);
    } catch (error) {
      failed.push({ decisionId: detail.decisionId, error: (error as Error).message ?? String(error) });
    }
  }

  progress("storing the day's metrics");
  const day = at.slice(0, 10);
  const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString();
  const [denied, executions] = await Promise.all([
    deps.decisions.listDeniedAttemptsSince(`${day}T00:00:00Z`),
    deps.executions.listForDay(day),
  ]);
  const nhis = identities.filter((i) => i.category === 'nhi');
  const certificationScope = nhis.filter((i) => i.managed).length;
  const metrics = computeMetrics({
    asOf,
    source: inventory.source,
    identities: identities.length,
    nhis: nhis.length,
    certificationScope,
    certificationOverdue: current.filter((f) => f.type === 'certification-overdue').length,
    findings: current,
    activeExceptions: exceptions,
    expiredExceptions: approved.filter((d) => d.request.kind === 'exception' && isExpired(d, asOf)).length,
    deniedAttempts: denied.filter((a) => a.at < nextDay),
    executions,
  });
  if (writes) await deps.metrics.putMetrics(metrics);

  const categories = { nhi: 0, 'aws-managed': 0, human: 0, unknown: 0 };
  for (const i of identities) categories[i.category]++;
  return {
    asOf: at,
    accountId,
    mode,
    policy: { name: policy.name, version: input.policy.version, managedPath: policy.managedPath },
    inventory: {
      source: inventory.source,
      collectedAt: inventory.collectedAt,
      origin: inventory.origin,
      ...(inventory.accountId ? { accountId: inventory.accountId } : {}),
      roles: inventory.roles.length,
      users: inventory.users.length,
    },
    identities: { ...categories, managed: identities.filter((i) => i.managed).length },
    findings: current.sort(compareFindings),
    resolved: resolved.sort(compareFindings),
    written,
    revokes: { requested, failed },
    metrics,
  };
}

/**
 * The first scan of an account adopts the open and suppressed scanner findings stored before accounts
 * were kept: those whose identity ARN is in this account, and those without an ARN when this is the
 * first account the store scans. They keep their id and gain the account.
 */
function adoptable(unscoped: readonly Finding[], accountId: string, firstAccount: boolean): Finding[] {
  return unscoped.filter((f) => {
    const account = f.identityArn ? accountOfArn(f.identityArn) : undefined;
    return account !== undefined ? account === accountId : firstAccount;
  });
}

/** The latest campaign review (keep or revoke, at or before `at`) of each identity: one query per campaign. */
async function campaignReviews(
  campaigns: Pick<CampaignStore, 'listByStatus' | 'listItems'>,
  at: string,
): Promise<Map<string, string>> {
  const all = [...(await campaigns.listByStatus('open')), ...(await campaigns.listByStatus('closed'))];
  const latest = new Map<string, string>();
  for (const campaign of all) {
    for (const item of await campaigns.listItems(campaign.id)) {
      if (item.outcome === 'pending' || !item.reviewedAt || item.reviewedAt > at) continue;
      const seen = latest.get(item.identityKey);
      if (!seen || item.reviewedAt > seen) latest.set(item.identityKey, item.reviewedAt);
    }
  }
  return latest;
}
