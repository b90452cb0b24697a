import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINDING_TYPES, type Finding } from '../../../../lib/domain/finding.js';
import type { Severity } from '../../../../lib/domain/primitives.js';
import { SEVERITIES_WORST_FIRST } from '../../../../lib/domain/reports/common.js';
import { foldFindings, foldOutcomes, type OrgEvent } from '../../../../lib/domain/reports/org-events.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const ACCOUNTS = ['111111111111', '222222222222'] as const;

/** One finding's true history: alternating open/resolved, each by a scan hours after the previous. */
const arbHistory = fc.record({
  account: fc.constantFrom(...ACCOUNTS),
  findingId: fc.constantFrom('f-a', 'f-b', 'f-c', 'f-d'),
  type: fc.constantFrom(...FINDING_TYPES),
  severity: fc.constantFrom<Severity>(...SEVERITIES_WORST_FIRST),
  // Hours between scans (> 0: time moves forward); the first transition always opens.
  gaps: fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 6 }),
});
type History = typeof arbHistory extends fc.Arbitrary<infer H> ? H : never;

let ids = 0;
/** The events a member sends for a history: one per transition, `at` the scan's time, sent a little later. */
function eventsOf(h: History, withAt = true): OrgEvent[] {
  let at = T0;
  return h.gaps.map((gap, i) => {
    at += gap * HOUR;
    const status = i % 2 === 0 ? 'open' : 'resolved';
    return {
      account: h.account,
      detailType: status === 'open' ? 'FindingOpened' : 'FindingResolved',
      time: iso(at + 30_000),
      eventId: `e-${++ids}`,
      detail: JSON.stringify({
        schemaVersion: '1',
        findingId: h.findingId,
        type: h.type,
        severity: h.severity,
        status,
        identityKey: `role/${h.findingId}`,
        ...(withAt ? { at: iso(at) } : {}),
      }),
    };
  });
}

/** What the history says the finding is now. */
function expected(h: History) {
  const times: number[] = [];
  for (const g of h.gaps) times.push((times.at(-1) ?? T0) + g * HOUR);
  const last = times.length - 1;
  const open = last % 2 === 0;
  return {
    status: open ? 'open' : 'resolved',
    firstSeen: iso(times[open ? last : last - 1] as number),
    lastSeen: iso(times[last] as number),
  };
}

const byKey = (fs: readonly Finding[]) =>
  [...fs].sort((a, b) => `${a.accountId}${a.id}`.localeCompare(`${b.accountId}${b.id}`));

/** Redeliveries: copies of some events with new ids, arriving late (hours later event times). */
const redeliver = (events: readonly OrgEvent[], picks: readonly number[], delayHours: number) =>
  (events.length > 0 ? picks : []).map((i, n) => {
    const e = events[i % events.length] as OrgEvent;
    return { ...e, eventId: `dup-${n}-${e.eventId}`, time: iso(Date.parse(e.time) + delayHours * HOUR) };
  });

describe('foldFindings', () => {
  it('says open exactly when the latest transition opened the finding, whatever the order and the repeats', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbHistory, { selector: (h) => `${h.account}/${h.findingId}`, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 200 }),
        fc.func(fc.integer()),
        (histories, picks, delayHours, shuffleKey) => {
          // Arrange: every transition's event, some redelivered hours later, all in a shuffled order
          const events = histories.flatMap((h) => eventsOf(h));
          const sent = [...events, ...events.slice(0, 3), ...redeliver(events, picks, delayHours)].sort(
            (a, b) => shuffleKey(a.eventId) - shuffleKey(b.eventId),
          );
          // Act
          const folded = foldFindings(sent);
          const inOrder = foldFindings(events);
          // Assert: the model's answer, and the same answer as the events sent once, in order
          expect(folded.ignored).toBe(0);
          expect(byKey(folded.findings).map(({ evidence: _e, ...f }) => f)).toEqual(
            byKey(inOrder.findings).map(({ evidence: _e, ...f }) => f),
          );
          for (const h of histories) {
            const f = folded.findings.find((x) => x.accountId === h.account && x.id === h.findingId);
            expect(f).toMatchObject({ ...expected(h), severity: h.severity, type: h.type });
            if (f?.status === 'resolved') expect(f.resolvedAt).toBe(f.lastSeen);
          }
          expect(folded.findings).toHaveLength(histories.length);
        },
      ),
    );
  });

  it('keeps each account’s findings its own: nothing another account sends changes them', () => {
    fc.assert(
      fc.property(
        fc.array(
          arbHistory.map((h) => ({ ...h, account: ACCOUNTS[0] })),
          { maxLength: 4 },
        ),
        fc.array(
          arbHistory.map((h) => ({ ...h, account: ACCOUNTS[1] })),
          { maxLength: 6 },
        ),
        (mine, theirs) => {
          // Arrange: the other account sends events about the same finding ids, any status, any time
          const own = mine.flatMap((h) => eventsOf(h));
          const forged = theirs.flatMap((h) => eventsOf(h));
          // Act
          const alone = foldFindings(own).findings;
          const together = foldFindings([...forged, ...own]).findings.filter(
            (f) => f.accountId === ACCOUNTS[0],
          );
          // Assert
          expect(byKey(together)).toEqual(byKey(alone));
        },
      ),
    );
  });

  it('does not let a late copy of an old FindingOpened reopen a finding resolved since', () => {
    // Arrange: opened at 10:00, resolved the next day; a redelivered copy of the opening arrives two days on
    const h: History = {
      account: ACCOUNTS[0],
      findingId: 'f-a',
      type: 'stale-role',
      severity: 'high',
      gaps: [10, 24],
    };
    const [opened, resolved] = eventsOf(h) as [OrgEvent, OrgEvent];
    const copy = { ...opened, eventId: 'copy', time: iso(Date.parse(resolved.time) + 48 * HOUR) };
    // Act
    const { findings } = foldFindings([resolved, copy, opened]);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.status).toBe('resolved');
  });

  it('falls back to the event time for members that send no `at`, and does not believe an `at` in the future', () => {
    // Arrange: an old member (no at) opens then resolves; a member claims its opening happened next year
    const h: History = {
      account: ACCOUNTS[0],
      findingId: 'f-b',
      type: 'stale-role',
      severity: 'low',
      gaps: [1, 5],
    };
    const old = eventsOf(h, false);
    const [opened, resolved] = eventsOf({ ...h, findingId: 'f-c' }) as [OrgEvent, OrgEvent];
    const future = {
      ...opened,
      eventId: 'future',
      detail: opened.detail.replace(/"at":"[^"]+"/, `"at":"${iso(T0 + 365 * 24 * HOUR)}"`),
    };
    // Act
    const { findings } = foldFindings([...old, resolved, future]);
    // Assert: the future opening counts at its event's time, before the resolution
    expect(findings.find((f) => f.id === 'f-b')?.status).toBe('resolved');
    expect(findings.find((f) => f.id === 'f-c')?.status).toBe('resolved');
  });

  it('counts and ignores details of the wrong shape, and events of other types', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constant(
            '{"schemaVersion":"1","findingId":"x","type":"no-such-type","severity":"high","status":"open","identityKey":"role/x"}',
          ),
          fc.constant(
            '{"schemaVersion":"1","findingId":"","type":"stale-role","severity":"high","status":"open","identityKey":"role/x"}',
          ),
        ),
        (detail) => {
          // Arrange
          const bad: OrgEvent = {
            account: ACCOUNTS[0],
            detailType: 'FindingOpened',
            time: iso(T0),
            eventId: 'b',
            detail,
          };
          const other: OrgEvent = { ...bad, detailType: 'SecretRotated', eventId: 'o' };
          // Act
          const folded = foldFindings([bad, other]);
          // Assert: a well-formed detail is a finding; anything else is counted and left out
          expect(folded.findings.length + folded.ignored).toBe(1);
        },
      ),
    );
  });
});

describe('foldOutcomes', () => {
  it('keeps one complete record per account, decision and version, whatever the order and repeats', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            account: fc.constantFrom(...ACCOUNTS),
            decision: fc.constantFrom('01JH0Z8Q3M4XK2V7T9B6C5D4E3', '01JH0Z8Q3M4XK2V7T9B6C5D4E4'),
            version: fc.integer({ min: 1, max: 3 }),
            ok: fc.boolean(),
            minute: fc.integer({ min: 0, max: 600 }),
          }),
          { selector: (o) => `${o.account}${o.decision}${o.version}` },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.func(fc.integer()),
        (outcomes, picks, shuffleKey) => {
          // Arrange
          const events: OrgEvent[] = outcomes.map((o, i) => ({
            account: o.account,
            detailType: o.ok ? 'AccessProvisioned' : 'AccessProvisioningFailed',
            time: iso(T0 + o.minute * 60_000 + 1000),
            eventId: `o-${i}`,
            detail: JSON.stringify({
              schemaVersion: '1',
              decisionId: o.decision,
              version: String(o.version),
              kind: 'grant',
              identityKey: 'role/app',
              status: o.ok ? 'succeeded' : 'failed',
              finishedAt: iso(T0 + o.minute * 60_000),
            }),
          }));
          const copies = redeliver(events, picks, 3);
          // Act
          const folded = foldOutcomes(
            [...copies, ...events].sort((a, b) => shuffleKey(a.eventId) - shuffleKey(b.eventId)),
          );
          // Assert
          expect(folded.outcomes).toHaveLength(outcomes.length);
          for (const o of outcomes) {
            const kept = folded.outcomes.filter(
              (k) =>
                k.accountId === o.account &&
                k.record.decisionId === o.decision &&
                k.record.decisionVersion === o.version,
            );
            expect(kept).toHaveLength(1);
            expect(kept[0]?.record).toMatchObject({
              status: o.ok ? 'succeeded' : 'failed',
              action: 'complete',
            });
          }
        },
      ),
    );
  });
});
