import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SCAN_LOG_PARTITION } from '../../config/organization.js';
import { ValidationError } from '../../domain/errors.js';
import type { ExecutionRecord } from '../../domain/execution.js';
import type { Finding, FindingStatus, FindingType } from '../../domain/finding.js';
import { SEVERITY_RANK } from '../../domain/primitives.js';
import {
  type AccountOutcome,
  foldFindings,
  foldOutcomes,
  type OrgEvent,
} from '../../domain/reports/org-events.js';
import type { OrganizationSources } from '../../domain/reports/organization.js';
import { mapLimit, type ReportSources } from '../../domain/reports/sources.js';
import { ScanRecord } from '../../domain/scanning/scan-time.js';
import type { FindingFilter } from '../../ports/finding-store.js';
import { DynamoCampaignStore } from './campaign-store.js';
import { DynamoDecisionStore } from './decision-store.js';
import { queryAll, queryPages } from './query.js';

/** The hub's tables the org-wide view reads (lib/config/organization.ts). */
export interface HubTableNames {
  readonly decisions: string;
  readonly orgEvents: string;
}

/** What one account's partition of the org-events table says, read once. */
interface AccountView {
  readonly findings: readonly Finding[];
  readonly outcomes: readonly AccountOutcome[];
  /** Events whose detail had not the shape of its type: counted, never used. */
  readonly ignored: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The hub's org-events table (one partition per member account, `ACCOUNT#<account>`, sorted by event
 * time) read as the reports' sources: each account's partition is queried once per run (every page of
 * it) and folded into the account's current findings and its outcomes (lib/domain/reports/org-events.ts).
 * Accounts are those with a heartbeat (`pk = SCANS`) plus any the caller names (the policy's units), so
 * an account that never reported is still asked for and shown as stale.
 */
export class DynamoOrgEvents {
  private readonly views = new Map<string, Promise<AccountView>>();
  private heartbeats: Promise<{ records: ScanRecord[]; unreadable: string[] }> | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly extraAccounts: readonly string[] = [],
    private readonly only?: readonly string[],
  ) {}

  /**
   * Each account's newest heartbeat, in the scan log's shape. A heartbeat that does not parse (a member
   * sent a malformed date) is left out, so its account shows as never scanned, hence stale: one member
   * cannot break the organization's report.
   */
  latestScans(): Promise<{ records: ScanRecord[]; unreadable: string[] }> {
    this.heartbeats ??= queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': SCAN_LOG_PARTITION, ':prefix': 'ACCOUNT#' },
    }).then((items) => {
      const records: ScanRecord[] = [];
      const unreadable: string[] = [];
      for (const item of items) {
        const parsed = ScanRecord.safeParse({
          accountId: item.accountId,
          asOf: item.asOf,
          ranAt: item.ranAt,
          source: item.source,
        });
        if (parsed.success && `ACCOUNT#${parsed.data.accountId}` === item.sk) records.push(parsed.data);
        else unreadable.push(str(item.sk).slice('ACCOUNT#'.length));
      }
      return { records, unreadable };
    });
    return this.heartbeats;
  }

  /**
   * Every account the view covers: heartbeats (readable or not) and the accounts named by the caller;
   * only those asked for when the view is narrowed (`--account`/`--ou`), so other partitions are not read.
   */
  async accounts(): Promise<string[]> {
    if (this.only) return [...new Set(this.only)].sort();
    const { records, unreadable } = await this.latestScans();
    return [...new Set([...records.map((r) => r.accountId), ...unreadable, ...this.extraAccounts])].sort();
  }

  /** One account's findings and outcomes: every page of its partition, read once per instance. */
  view(account: string): Promise<AccountView> {
    let view = this.views.get(account);
    if (!view) {
      view = this.read(account);
      this.views.set(account, view);
    }
    return view;
  }

  private async read(account: string): Promise<AccountView> {
    const events: OrgEvent[] = [];
    for await (const items of queryPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${account}` },
    })) {
      for (const item of items)
        events.push({
          // The partition is the account EventBridge stamped on the event; a detail's claim is never used.
          account,
          detailType: str(item.detailType),
          time: str(item.time),
          eventId: str(item.eventId),
          detail: str(item.detail),
        });
    }
    const findings = foldFindings(events);
    const outcomes = foldOutcomes(events);
    return {
      findings: findings.findings,
      outcomes: outcomes.outcomes,
      ignored: findings.ignored + outcomes.ignored,
    };
  }

  /** Every covered account's view, eight partitions at a time. */
  async all(): Promise<AccountView[]> {
    const accounts = await this.accounts();
    const out: AccountView[] = new Array(accounts.length);
    let next = 0;
    const worker = async () => {
      while (next < accounts.length) {
        const i = next++;
        out[i] = await this.view(accounts[i] as string);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, accounts.length) }, worker));
    return out;
  }
}

const matches = (f: Finding, filter: Omit<FindingFilter, 'owner'>) =>
  f.status === filter.status &&
  (filter.type === undefined || f.type === filter.type) &&
  (filter.minSeverity === undefined || SEVERITY_RANK[f.severity] >= SEVERITY_RANK[filter.minSeverity]) &&
  (filter.accountId === undefined || f.accountId === filter.accountId);

const NO_OWNER = () =>
  new ValidationError(
    'the hub’s org events carry no owner: --owner needs a member’s or the local store (leave out --hub)',
    [{ path: '--owner', message: 'not available on the hub' }],
  );

/** The reports' sources and the organization report's, read from the hub's tables. */
export type HubSources = ReportSources & OrganizationSources & { readonly orgEvents: DynamoOrgEvents };

/**
 * The report ports over the hub: decisions, exceptions, approvals, refusals and campaigns from the hub's
 * decisions table (as in one account), findings and provisioning outcomes from the org-events table,
 * the stale-account heartbeats from its `SCANS` partition. Reads only (Query, GetItem). There is no
 * daily metrics trend on the hub: the findings report shows none.
 */
export function hubReportSources(
  client: DynamoDBDocumentClient,
  names: HubTableNames,
  options: {
    /** Accounts expected to report (the policy's units): asked for even without a heartbeat. */
    accounts?: readonly string[];
    /** Only these accounts' partitions are read (a report narrowed by `--account`/`--ou`). */
    only?: readonly string[];
  } = {},
): HubSources {
  const decisions = new DynamoDecisionStore(client, names.decisions);
  const orgEvents = new DynamoOrgEvents(client, names.orgEvents, options.accounts ?? [], options.only);
  const allFindings = async () => (await orgEvents.all()).flatMap((v) => v.findings);
  const decided = new Map<string, Promise<string | undefined>>();
  // The outcome events carry no decision time: the hub's own decision gives it, for that version.
  const decidedAt = (r: ExecutionRecord) => {
    let at = decided.get(`${r.decisionId}#${r.decisionVersion}`);
    if (!at) {
      at = decisions
        .get(r.decisionId)
        .then((d) => (d?.version === r.decisionVersion ? d.decidedAt : undefined));
      decided.set(`${r.decisionId}#${r.decisionVersion}`, at);
    }
    return at;
  };
  const records = async (keep: (r: ExecutionRecord) => boolean) => {
    const found = (await orgEvents.all()).flatMap((v) => v.outcomes.map((o) => o.record)).filter(keep);
    // One GetItem per decision behind an outcome, eight at a time (not one socket per outcome).
    return mapLimit(found, 8, async (r) => {
      if (r.decidedAt !== undefined || r.latencyMs !== undefined) return r;
      const at = await decidedAt(r);
      return at ? { ...r, decidedAt: at } : r;
    });
  };
  return {
    orgEvents,
    decisions,
    campaigns: new DynamoCampaignStore(client, names.decisions),
    scans: {
      listLatestScans: async () => (await orgEvents.latestScans()).records,
    },
    executions: {
      listForDay: (day: string) => records((r) => r.finishedAt.slice(0, 10) === day),
      listForDecision: (id: string) => records((r) => r.decisionId === id),
      listForIdentity: (key: string) => records((r) => r.identityKey === key),
    },
    findings: {
      listByStatus: async (status: FindingStatus, type?: FindingType) =>
        (await allFindings()).filter((f) => matches(f, { status, ...(type ? { type } : {}) })),
      listByOwner: async () => {
        throw NO_OWNER();
      },
      listByIdentity: async (identityKey: string, accountId?: string) =>
        (accountId ? (await orgEvents.view(accountId)).findings : await allFindings()).filter(
          (f) => f.identityKey === identityKey,
        ),
      listActiveInAccount: async (accountId: string) =>
        (await orgEvents.view(accountId)).findings.filter((f) => f.status !== 'resolved'),
      async *pagesOf(filter: FindingFilter) {
        if (filter.owner !== undefined) throw NO_OWNER();
        const views = filter.accountId ? [await orgEvents.view(filter.accountId)] : await orgEvents.all();
        for (const v of views) {
          const page = v.findings.filter((f) => matches(f, filter));
          if (page.length > 0) yield page;
        }
      },
    },
  };
}
