import type { FindingFilter } from '../../ports/finding-store.js';
import type { Decision } from '../decision.js';
import type { Finding, FindingStatus, FindingType } from '../finding.js';
import type { ReportSources } from './sources.js';

/**
 * The reports' sources narrowed to some accounts (`--account`, the accounts of `--ou`), so every
 * per-account report answers for them only, with its own code unchanged: each source keeps what
 * belongs to an account in scope. What belongs to an account:
 *  - a finding: its `accountId`; one about a decision (`decision/<id>`), the decision's account;
 *  - a decision: its `accountId` (organization mode); an execution record, a refused attempt and a
 *    review item: the account of their decision;
 *  - a campaign: the in-scope ones of its items (a campaign with none is left out).
 * Anything without an account (single-account data, the policy's own refusals) is outside every scope.
 * The daily metrics trend describes the whole store, so a scoped report has none.
 */
export function scopedSources(sources: ReportSources, accounts: readonly string[]): ReportSources {
  const inScope = new Set(accounts);
  const decisionAccounts = new Map<string, Promise<string | undefined>>();
  const accountOfDecision = (id: string): Promise<string | undefined> => {
    let found = decisionAccounts.get(id);
    if (!found) {
      found = sources.decisions.get(id).then((d) => d?.accountId);
      decisionAccounts.set(id, found);
    }
    return found;
  };
  const decisionIn = async (id: string | undefined) =>
    id !== undefined && inScope.has((await accountOfDecision(id)) ?? '');
  const keep = async <T>(items: readonly T[], test: (item: T) => Promise<boolean> | boolean) => {
    const verdicts = await Promise.all(items.map(test));
    return items.filter((_, i) => verdicts[i]);
  };
  const findingIn = (f: Finding) =>
    f.accountId !== undefined
      ? inScope.has(f.accountId)
      : f.identityKey.startsWith('decision/') && decisionIn(f.identityKey.slice('decision/'.length));
  const decisionsIn = (ds: readonly Decision[]) => ds.filter((d) => inScope.has(d.accountId ?? ''));
  const only = inScope.size === 1 ? [...inScope][0] : undefined;

  const { decisions, executions, findings, campaigns, scans } = sources;
  return {
    decisions: {
      get: (id, options) => decisions.get(id, options),
      listDeniedAttempts: (id) => decisions.listDeniedAttempts(id),
      listExpiringBefore: async (status, before) =>
        decisionsIn(await decisions.listExpiringBefore(status, before)),
      listByIdentity: async (key) => decisionsIn(await decisions.listByIdentity(key)),
      listDeniedAttemptsSince: async (since) =>
        keep(await decisions.listDeniedAttemptsSince(since), (a) => decisionIn(a.decisionId)),
    },
    executions: {
      listForDecision: async (id) =>
        keep(await executions.listForDecision(id), (r) => decisionIn(r.decisionId)),
      listForIdentity: async (key) =>
        keep(await executions.listForIdentity(key), (r) => decisionIn(r.decisionId)),
      listForDay: async (day) => keep(await executions.listForDay(day), (r) => decisionIn(r.decisionId)),
    },
    findings: {
      listByStatus: async (status: FindingStatus, type?: FindingType) =>
        keep(await findings.listByStatus(status, type), findingIn),
      listByOwner: async (owner: string, status?: FindingStatus) =>
        keep(await findings.listByOwner(owner, status), findingIn),
      listByIdentity: async (key: string, accountId?: string) => {
        if (accountId !== undefined && !inScope.has(accountId)) return [];
        return keep(await findings.listByIdentity(key, accountId ?? only), findingIn);
      },
      async *pagesOf(filter: FindingFilter) {
        if (filter.accountId !== undefined && !inScope.has(filter.accountId)) return;
        // One account: the store's by-account keys answer it; several: each page is narrowed.
        const narrowed =
          filter.accountId === undefined && only !== undefined ? { ...filter, accountId: only } : filter;
        for await (const page of findings.pagesOf(narrowed)) {
          const kept = await keep(page, findingIn);
          if (kept.length > 0) yield kept;
        }
      },
    },
    ...(scans
      ? {
          scans: {
            listLatestScans: async () =>
              (await scans.listLatestScans()).filter((s) => inScope.has(s.accountId)),
          },
        }
      : {}),
    ...(campaigns
      ? (() => {
          const items = new Map<string, ReturnType<typeof campaigns.listItems>>();
          const itemsOf = (id: string) => {
            let list = items.get(id);
            if (!list) {
              list = campaigns.listItems(id).then((all) => keep(all, (i) => decisionIn(i.grantDecisionId)));
              items.set(id, list);
            }
            return list;
          };
          return {
            campaigns: {
              listItems: itemsOf,
              listByStatus: async (status: Parameters<typeof campaigns.listByStatus>[0]) =>
                keep(await campaigns.listByStatus(status), async (c) => (await itemsOf(c.id)).length > 0),
            },
          };
        })()
      : {}),
  };
}
