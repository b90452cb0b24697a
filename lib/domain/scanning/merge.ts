import type { FindingBatch, StoredFindingSummary } from '../../ports/metrics-store.js';
import type { DigestEntry, WriteClaim } from '../../ports/scan-digest.js';
import type { Decision } from '../decision.js';
import { type Finding, findingId } from '../finding.js';
import type { PolicyFile } from '../policy/schema.js';
import { findingDigest } from './finding-digest.js';
import { compareUtf8, mergeKey } from './merge-order.js';
import { resolveGone, type ScanAccount, toFindings } from './reconcile.js';
import type { FindingDraft } from './rules/rule.js';

/**
 * Findings per store call, so a large scan's longest phase shows a counter: 200 is one round of the
 * store's 8 parallel batches of 25, so no call leaves the store's parallelism half used. Also the
 * drafts merged per step.
 */
export const WRITE_CHUNK = 200;

export interface MergeInput {
  readonly drafts: readonly FindingDraft[];
  readonly exceptions: readonly Decision[];
  readonly policy: PolicyFile;
  /** The scan's as-of. */
  readonly at: string;
  readonly account: ScanAccount;
  /** False for a read-only scan: the merge gives the findings and writes nothing. */
  readonly writes: boolean;
  /** Whether this scan could judge a stored finding's condition (else it is frozen, not resolved). */
  readonly canJudge: (finding: Pick<Finding, 'type' | 'identityKey'>) => boolean;
  /** Each account's latest scan before this one: the `lastSeen` of what this scan resolves or freezes. */
  readonly previousScans: ReadonlyMap<string, string>;
  readonly onCount?: (done: number, total: number, label: string) => void;
  /**
   * The scan's claim on the account's writes, when the store keeps digests: the stored summaries come
   * from its digest when it has a valid one, and the new digest is appended range by range.
   */
  readonly claim?: WriteClaim;
}

export interface MergeResult {
  /** Findings this scan saw, open and suppressed (in merge order). */
  readonly current: Finding[];
  /** Stored findings whose condition is gone, now `resolved`. */
  readonly resolved: Finding[];
  /** Findings written: opened or changed (`seen`), resolved or frozen (`settled`). */
  readonly seen: number;
  readonly settled: number;
}

/** A finding's digest entry, without its digest (the caller adds it), with its merge key. */
function entryOf(
  f: Pick<Finding, 'id' | 'type' | 'identityKey' | 'firstSeen'>,
  follows: boolean,
): Omit<DigestEntry, 'digest'> & { key: string } {
  return {
    id: f.id,
    type: f.type,
    identityKey: f.identityKey,
    firstSeen: f.firstSeen,
    seenWithScans: follows,
    key: mergeKey(f),
  };
}

/**
 * Merges the rules' drafts with the account's stored findings a range of merge keys at a time: the
 * store lists its summaries a page at a time in merge order, and before the next page is read every
 * draft up to the page's last key becomes a finding (stable id, `firstSeen` kept), what changed is
 * written, and the page's findings that no draft saw again are resolved or frozen. A finding's id is
 * a hash of its type and identity, so a stored finding and the draft that sees it again share a key
 * and meet in the same range. At a time the merge holds one page of summaries and one step of drafts
 * (plus the findings it returns), never every stored finding of the account (#16.2).
 */
export async function mergeInRanges(findings: FindingBatch, input: MergeInput): Promise<MergeResult> {
  const { account, writes } = input;
  const ordered: ({ readonly draft: FindingDraft; readonly id: string; readonly key: string } | undefined)[] =
    input.drafts
      .map((draft) => {
        const id = findingId(draft.type, draft.identityKey, draft.subject, account.accountId);
        return { draft, id, key: mergeKey({ identityKey: draft.identityKey, type: draft.type, id }) };
      })
      // Stable: drafts of the same finding keep the rules' order, so the later one wins as before.
      .sort((a, b) => compareUtf8(a.key, b.key));
  const current: Finding[] = [];
  const resolved: Finding[] = [];
  const adoptedSeen = new Set<string>();
  const toSee: Finding[] = [];
  const toSettle: Finding[] = [];
  let seen = 0;
  let settled = 0;
  let next = 0;

  const claim = writes ? input.claim : undefined;
  const flush = async (all: boolean) => {
    if (toSee.length + toSettle.length > 0) claim?.assertLive();
    while (toSee.length >= (all ? 1 : WRITE_CHUNK)) {
      const chunk = toSee.splice(0, WRITE_CHUNK);
      await findings.putSeen(chunk);
      seen += chunk.length;
    }
    while (toSettle.length >= (all ? 1 : WRITE_CHUNK)) {
      const chunk = toSettle.splice(0, WRITE_CHUNK);
      await findings.putMany(chunk);
      settled += chunk.length;
    }
  };

  /** Stored findings this scan no longer sees: resolved when it could judge them, else frozen if they followed the scans. */
  const settle = async <T extends StoredFindingSummary | Finding>(
    gone: readonly T[],
    full: ReadonlyMap<string, Finding>,
    follows: (id: string) => boolean,
    seenIds: ReadonlySet<string>,
  ) => {
    const needed = gone.filter((f) => input.canJudge(f) || follows(f.id));
    const toRead = needed.filter((f) => !full.has(f.id)).map((f) => f.id);
    const read = new Map(full);
    // Read in full (only these), as they stood before this scan was recorded.
    for (const f of await findings.getMany(toRead, { latestScans: input.previousScans })) read.set(f.id, f);
    const goneFull = needed.flatMap((f) => read.get(f.id) ?? []);
    const done = resolveGone(goneFull, seenIds, input.canJudge, input.at, account.accountId);
    resolved.push(...done);
    const frozen = goneFull.filter((f) => !input.canJudge(f));
    toSettle.push(...done, ...frozen);
    const neededIds = new Set(needed.map((f) => f.id));
    return {
      frozen,
      // Gone findings this scan could not judge and that did not follow the scans: left as they are.
      untouched: gone.filter((f) => !neededIds.has(f.id)),
    };
  };

  /** Every draft up to `through` (all that are left when undefined), against one page of summaries. */
  const mergeRange = async (
    page: readonly StoredFindingSummary[],
    through: string | undefined,
    complete: boolean,
  ) => {
    const byId = new Map(page.map((s) => [s.id, s]));
    // firstSeen from the stored finding, also a resolved one that comes back; adopted ones first.
    const stored = {
      has: (id: string) => account.adopted.has(id) || byId.has(id),
      get: (id: string) => account.adopted.get(id) ?? byId.get(id),
    };
    const active = (id: string) => {
      const s = byId.get(id);
      return s && s.status !== 'resolved' ? s : undefined;
    };
    const rangeIds = new Set<string>();
    // The range's active scanner findings once this scan is stored: the account's next digest.
    const digest: (DigestEntry & { key: string })[] = [];
    let end = next;
    while (
      end < ordered.length &&
      (through === undefined || compareUtf8(ordered[end]?.key ?? '', through) <= 0)
    )
      end++;
    while (next < end) {
      let stop = Math.min(next + WRITE_CHUNK, end);
      // Never split the drafts of one finding between two steps.
      while (stop < end && ordered[stop]?.key === ordered[stop - 1]?.key) stop++;
      const entries = ordered.slice(next, stop).flatMap((o) => (o ? [o] : []));
      // A digest lists only active scanner findings: anything else of these drafts is read by key.
      if (!complete) {
        const missing = entries.filter((o) => !byId.has(o.id)).map((o) => o.id);
        if (missing.length > 0) for (const s of await findings.getSummaries(missing)) byId.set(s.id, s);
      }
      // Merged drafts are let go as the merge goes (the findings keep what they share with them).
      ordered.fill(undefined, next, stop);
      next = stop;
      const step = entries.map((o) => o.draft);
      for (const f of toFindings(step, stored, input.exceptions, input.policy, input.at, account)) {
        current.push(f);
        // Only what can be gone matters here: the page's own findings (a range may hold 90,000 drafts).
        if (byId.has(f.id)) rangeIds.add(f.id);
        if (account.adopted.has(f.id)) adoptedSeen.add(f.id);
        // Seen again with the same content, already following the scans: recording the scan sees it.
        const before = active(f.id);
        const now = findingDigest(f);
        if (writes && (!before?.seenWithScans || before.digest !== now)) toSee.push(f);
        if (claim?.exclusive) digest.push({ ...entryOf(f, true), digest: now });
      }
      input.onCount?.(next, ordered.length, 'merging findings');
      if (writes) await flush(false);
      // A range without stored findings (a first scan, new findings after the last page) has nothing
      // to interleave: its entries go out a step at a time, in order, instead of all at the end.
      if (claim?.exclusive && page.length === 0 && digest.length > 0) {
        await claim.append(digest.map(({ key: _key, ...e }) => e));
        digest.length = 0;
      }
    }
    if (!writes) return;
    // Gone: the page's stored active scanner findings that no draft saw again (looked-up ones were seen).
    const gone = page.filter((s) => s.source === 'scanner' && s.status !== 'resolved' && !rangeIds.has(s.id));
    if (gone.length > 0) {
      const { frozen, untouched } = await settle(
        gone,
        new Map(),
        (id) => active(id)?.seenWithScans === true,
        rangeIds,
      );
      if (claim?.exclusive) {
        for (const f of frozen) digest.push({ ...entryOf(f, false), digest: findingDigest(f) });
        for (const s of untouched)
          digest.push({ ...entryOf(s, s.seenWithScans), ...(s.digest ? { digest: s.digest } : {}) });
      }
    }
    // The range is done before the next page is read: nothing of it is held any longer.
    await flush(true);
    if (claim?.exclusive && digest.length > 0) {
      digest.sort((a, b) => compareUtf8(a.key, b.key));
      await claim.append(digest.map(({ key: _key, ...e }) => e));
    }
  };

  const pages = claim?.pages ?? findings.summaryPages(account.accountId);
  // A digest lists only active scanner findings (none at all when it has no part).
  let complete = claim?.pages === undefined;
  for await (const page of pages) {
    complete = page.complete !== false;
    await mergeRange(page.summaries, page.through, complete);
  }
  await mergeRange([], undefined, complete);
  if (writes) {
    const goneAdopted = [...account.adopted.values()].filter(
      (f) => f.source === 'scanner' && f.status !== 'resolved' && !adoptedSeen.has(f.id),
    );
    if (goneAdopted.length > 0) await settle(goneAdopted, account.adopted, () => false, adoptedSeen);
    await flush(true);
  }
  return { current, resolved, seen, settled };
}
