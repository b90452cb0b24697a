import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atExpression } from '../../../../lib/domain/provisioning/schedule.js';
import {
  KeyRetirementEvent,
  keyRetirementScheduleName,
  retirementTimes,
} from '../../../../lib/domain/rotation/key-retirement.js';

const instant = fc
  .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString());

describe('key retirement times and schedule names', () => {
  it('deactivates after the delay and deletes the grace later, counted from the replacing version', () => {
    expect(
      retirementTimes('2026-03-01T10:00:00.000Z', { deactivateDelayHours: 24, deleteGraceDays: 7 }),
    ).toEqual({
      deactivateAt: '2026-03-02T10:00:00.000Z',
      deleteAt: '2026-03-09T10:00:00.000Z',
    });
    expect(
      retirementTimes('2026-03-01T10:00:00.000Z', { deactivateDelayHours: 0, deleteGraceDays: 0 }),
    ).toEqual({
      deactivateAt: '2026-03-01T10:00:00.000Z',
      deleteAt: undefined,
    });
  });

  it('never deletes before it deactivates, and never deactivates before the key was replaced (generated)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 168 }), fc.integer({ min: 1, max: 90 }), (at, h, d) => {
        const t = retirementTimes(at, { deactivateDelayHours: h, deleteGraceDays: d });
        expect(Date.parse(t.deactivateAt)).toBeGreaterThanOrEqual(Date.parse(at));
        expect(Date.parse(t.deleteAt ?? '')).toBeGreaterThan(Date.parse(t.deactivateAt));
      }),
    );
  });

  it('names a schedule deterministically, within Scheduler limits, and never fires before the due time (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('deactivate' as const, 'delete' as const),
        fc.stringMatching(/^\w{16,128}$/),
        instant,
        (action, keyId, due) => {
          const name = keyRetirementScheduleName(action, keyId, due);
          expect(name).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
          expect(keyRetirementScheduleName(action, keyId, due)).toBe(name);
          expect(name.startsWith(`${action}-`)).toBe(true);
          const fires = Date.parse(`${/^at\((.+)\)$/.exec(atExpression(due))?.[1]}Z`);
          expect(fires).toBeGreaterThanOrEqual(Date.parse(due));
        },
      ),
    );
  });

  it('gives the two actions, two keys and two due times different names', () => {
    const due = '2026-03-02T10:00:00.000Z';
    const names = new Set([
      keyRetirementScheduleName('deactivate', 'AKIAAAAAAAAAAAAAAAAA', due),
      keyRetirementScheduleName('delete', 'AKIAAAAAAAAAAAAAAAAA', due),
      keyRetirementScheduleName('deactivate', 'AKIAAAAAAAAAAAAAAAAB', due),
      keyRetirementScheduleName('deactivate', 'AKIAAAAAAAAAAAAAAAAA', '2026-03-03T10:00:00.000Z'),
    ]);
    expect(names.size).toBe(4);
  });

  it('accepts only the typed event: no extra field (such as a forged due time), no other action', () => {
    const good = {
      kind: 'KeyRetirementDue',
      schemaVersion: '1',
      action: 'delete',
      secretId: 'nhi-gov/ci',
      accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
    };
    expect(KeyRetirementEvent.safeParse(good).success).toBe(true);
    for (const bad of [
      { ...good, dueAt: '2000-01-01T00:00:00Z' },
      { ...good, action: 'activate' },
      { ...good, accessKeyId: 'AKIA*' },
      { ...good, secretId: 'x'.repeat(2049) },
      { ...good, kind: 'DecisionApproved' },
    ]) {
      expect(KeyRetirementEvent.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });
});
