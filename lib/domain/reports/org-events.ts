import { FindingEventDetail, ProvisioningOutcomeDetail } from '../events.js';
import { COMPLETE_ACTION, type ExecutionRecord } from '../execution.js';
import { type Finding, FRAMEWORKS } from '../finding.js';

/**
 * One item of the hub's org-events table (lib/config/organization.ts, written by the ingest state
 * machine): a member event as received, keyed by the account EventBridge stamped on it. The detail is
 * the member's JSON, untrusted: it is parsed here and never used as a key.
 */
export interface OrgEvent {
  /** The sending account (the event envelope's, which a sender cannot choose). */
  readonly account: string;
  readonly detailType: string;
  /** The event's time (`$.time`). */
  readonly time: string;
  readonly eventId: string;
  /** The detail as stored: a JSON string. */
  readonly detail: string;
}

/** Clock skew allowed between a member's scan clock and its event's time. */
const SKEW_MS = 5 * 60_000;

const FINDING_EVENTS = { FindingOpened: 'open', FindingResolved: 'resolved' } as const;
const OUTCOME_EVENTS = ['AccessProvisioned', 'AccessProvisioningFailed'] as const;

function parseDetail(event: OrgEvent): unknown {
  try {
    return JSON.parse(event.detail) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * When a finding event's status took hold: the scan's own time (`at`: the finding's `lastSeen` when it
 * opened, `resolvedAt` when it resolved) when the member sends it, else the event's time. A redelivered
 * copy of an old `FindingOpened` keeps the old scan time, so it cannot reopen a finding resolved since,
 * whenever it arrives. An `at` after the event itself (beyond the skew) is not believed.
 */
function takenAt(event: OrgEvent, at: string | undefined): string {
  if (at === undefined) return event.time;
  return Date.parse(at) > Date.parse(event.time) + SKEW_MS ? event.time : at;
}

interface FindingState {
  readonly status: 'open' | 'resolved';
  readonly at: string;
  readonly event: OrgEvent;
  readonly detail: FindingEventDetail;
}

/** True when `a` happened after `b`: the scan time, then the event's, then resolved after opened. */
function later(a: FindingState, b: FindingState): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.event.time !== b.event.time) return a.event.time > b.event.time;
  if (a.status !== b.status) return a.status === 'resolved';
  return a.event.eventId > b.event.eventId;
}

/** What the fold kept and what it refused. */
export interface FoldedFindings {
  /** Each finding's current state: open when its latest event opened it, resolved otherwise. */
  readonly findings: Finding[];
  /** Events whose detail was not a finding event's shape (counted, never used). */
  readonly ignored: number;
}

/**
 * The findings of the organization as the org-events log says they are now: per account and finding
 * id, the status of the latest `FindingOpened`/`FindingResolved` (by the scan's time, see `takenAt`).
 * Order of arrival and repeated deliveries change nothing: the answer depends only on the set of events.
 * A finding is always its sending account's: events of one account never touch another's findings.
 * `firstSeen` is the earliest opening of the finding's current run (after its last resolution).
 */
export function foldFindings(events: Iterable<OrgEvent>): FoldedFindings {
  const runs = new Map<string, FindingState[]>();
  let ignored = 0;
  for (const event of events) {
    const status = FINDING_EVENTS[event.detailType as keyof typeof FINDING_EVENTS];
    if (status === undefined) continue;
    const parsed = FindingEventDetail.safeParse(parseDetail(event));
    if (!parsed.success) {
      ignored++;
      continue;
    }
    const key = `${event.account}\u0000${parsed.data.findingId}`;
    const state: FindingState = { status, at: takenAt(event, parsed.data.at), event, detail: parsed.data };
    runs.set(key, [...(runs.get(key) ?? []), state]);
  }
  const findings: Finding[] = [];
  for (const states of runs.values()) {
    const last = states.reduce((a, b) => (later(b, a) ? b : a));
    // The current run: its latest opening, back to the first opening after the resolution before it.
    const latest = (xs: FindingState[]) =>
      xs.reduce<FindingState | undefined>((a, b) => (a === undefined || later(b, a) ? b : a), undefined);
    const pivot = latest(states.filter((s) => s.status === 'open'));
    const boundary = pivot && latest(states.filter((s) => s.status === 'resolved' && later(pivot, s)));
    const first = pivot
      ? states
          .filter((s) => s.status === 'open' && (boundary === undefined || later(s, boundary)))
          .reduce((a, b) => (later(a, b) ? b : a))
      : undefined;
    const d = last.detail;
    findings.push({
      id: d.findingId,
      type: d.type,
      severity: d.severity,
      status: last.status,
      source: 'scanner',
      accountId: last.event.account,
      identityKey: d.identityKey,
      title: `${d.type}: ${d.identityKey}`,
      evidence: { forwardedBy: last.event.account, lastEvent: last.event.eventId },
      firstSeen: (first ?? last).at,
      lastSeen: last.at,
      ...(last.status === 'resolved' ? { resolvedAt: last.at } : {}),
      frameworks: FRAMEWORKS[d.type],
    });
  }
  return { findings, ignored };
}

/** An outcome kept in the hub, with the account that sent it. */
export interface AccountOutcome {
  readonly accountId: string;
  readonly record: ExecutionRecord;
}

/**
 * The complete execution records the members reported (`AccessProvisioned`/`AccessProvisioningFailed`),
 * one per account, decision and version however often it was delivered. The record is the `complete`
 * record of the member's trail as the event carried it: no calls, started when it finished.
 */
export function foldOutcomes(events: Iterable<OrgEvent>): { outcomes: AccountOutcome[]; ignored: number } {
  const kept = new Map<string, AccountOutcome & { rank: string }>();
  let ignored = 0;
  for (const event of events) {
    if (!(OUTCOME_EVENTS as readonly string[]).includes(event.detailType)) continue;
    const parsed = ProvisioningOutcomeDetail.safeParse(parseDetail(event));
    if (!parsed.success) {
      ignored++;
      continue;
    }
    const d = parsed.data;
    const key = `${event.account}\u0000${d.decisionId}\u0000${d.version}`;
    const rank = `${d.finishedAt}\u0000${d.status}\u0000${event.eventId}`;
    const before = kept.get(key);
    // Two deliveries of one outcome: the first (by finish, status, event id) stands, whatever the order.
    if (before && before.rank <= rank) continue;
    kept.set(key, {
      rank,
      accountId: event.account,
      record: {
        decisionId: d.decisionId,
        decisionVersion: d.version,
        step: 0,
        action: COMPLETE_ACTION,
        kind: d.kind,
        status: d.status,
        identityKey: d.identityKey,
        executor: `account:${event.account}`,
        calls: [],
        startedAt: d.finishedAt,
        finishedAt: d.finishedAt,
        ...(d.decidedAt ? { decidedAt: d.decidedAt } : {}),
        ...(d.latencyMs !== undefined ? { latencyMs: d.latencyMs } : {}),
        ...(d.error ? { error: d.error } : {}),
      },
    });
  }
  return { outcomes: [...kept.values()].map(({ accountId, record }) => ({ accountId, record })), ignored };
}
