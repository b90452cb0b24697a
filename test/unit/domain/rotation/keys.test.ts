import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keysToDelete } from '../../../../lib/domain/rotation/keys.js';
import { rotationToken } from '../../../../lib/domain/rotation/rotation-token.js';
import type { AccessKeyInfo } from '../../../../lib/ports/iam-admin.js';

const now = new Date('2026-03-01T00:00:00.000Z');
const key = (id: string, status: 'Active' | 'Inactive', daysOld: number): AccessKeyInfo => ({
  accessKeyId: id,
  status,
  createdAt: new Date(now.getTime() - daysOld * 86_400_000).toISOString(),
});

const STARTED = new Date(now.getTime() - 60_000).toISOString();

describe('keysToDelete', () => {
  it('deletes nothing when the current key is alone', () => {
    expect(
      keysToDelete({
        keys: [key('CUR', 'Active', 3)],
        currentKeyId: 'CUR',
        previousKeyId: undefined,
        rotationStartedAt: STARTED,
      }),
    ).toEqual({ ok: true, delete: [], notes: [] });
  });

  it('deletes the AWSPREVIOUS key the last rotation replaced, to make room', () => {
    const r = keysToDelete({
      keys: [key('OLD', 'Inactive', 40), key('CUR', 'Active', 8)],
      currentKeyId: 'CUR',
      previousKeyId: 'OLD',
      rotationStartedAt: STARTED,
    });
    expect(r).toMatchObject({ ok: true, delete: ['OLD'], notes: [expect.stringMatching(/AWSPREVIOUS/)] });
  });

  it("deletes this rotation's own leftover: held by no version, created since the rotation began", () => {
    const r = keysToDelete({
      keys: [key('CUR', 'Active', 30), key('ORPHAN', 'Active', 0)],
      currentKeyId: 'CUR',
      previousKeyId: undefined,
      rotationStartedAt: STARTED,
    });
    expect(r).toMatchObject({
      ok: true,
      delete: ['ORPHAN'],
      notes: [expect.stringMatching(/earlier attempt/)],
    });
  });

  it('never deletes an Active key the secret does not hold (a workload may use it): stops and names it', () => {
    const r = keysToDelete({
      keys: [key('CUR', 'Active', 30), key('WORKLOAD', 'Active', 2)],
      currentKeyId: 'CUR',
      previousKeyId: undefined,
      rotationStartedAt: STARTED,
    });
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/WORKLOAD \(active/),
      unmanaged: [expect.objectContaining({ accessKeyId: 'WORKLOAD', status: 'Active' })],
    });
  });

  it('proves nothing without the rotation start: an unheld key is then unmanaged', () => {
    const r = keysToDelete({
      keys: [key('CUR', 'Active', 30), key('NEW', 'Active', 0)],
      currentKeyId: 'CUR',
      previousKeyId: undefined,
      rotationStartedAt: undefined,
    });
    expect(r.ok).toBe(false);
  });

  it('keeps an unheld Inactive key when there is room, and stops when its slot is needed', () => {
    const base = { previousKeyId: undefined, rotationStartedAt: STARTED };
    expect(keysToDelete({ ...base, keys: [key('OLD', 'Inactive', 90)], currentKeyId: 'GONE' })).toEqual({
      ok: true,
      delete: [],
      notes: [],
    });
    expect(
      keysToDelete({
        ...base,
        keys: [key('OLD', 'Inactive', 90), key('CUR', 'Active', 5)],
        currentKeyId: 'CUR',
      }).ok,
    ).toBe(false);
  });

  it('deletes only provable keys, never the current one, and either leaves room or stops (generated)', () => {
    const arbKey = fc.record({
      id: fc.constantFrom('A', 'B', 'C'),
      active: fc.boolean(),
      // Negative: created after the rotation began.
      minutesBeforeStart: fc.integer({ min: -600, max: 600_000 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbKey, { minLength: 0, maxLength: 2, selector: (k) => k.id }),
        fc.constantFrom('A', 'B', 'C'),
        fc.option(fc.constantFrom('A', 'B', 'C'), { nil: undefined }),
        fc.boolean(),
        (keys, current, previous, known) => {
          const infos = keys.map((k) => ({
            accessKeyId: k.id,
            status: k.active ? ('Active' as const) : ('Inactive' as const),
            createdAt: new Date(Date.parse(STARTED) - k.minutesBeforeStart * 60_000).toISOString(),
          }));
          const r = keysToDelete({
            keys: infos,
            currentKeyId: current,
            previousKeyId: previous === current ? undefined : previous,
            rotationStartedAt: known ? STARTED : undefined,
          });
          const provableId = (id: string) => {
            const k = infos.find((x) => x.accessKeyId === id);
            return k !== undefined && provable(k);
          };
          function provable(k: (typeof infos)[number]): boolean {
            return (
              k.accessKeyId !== current &&
              (k.accessKeyId === previous || (known && Date.parse(k.createdAt) >= Date.parse(STARTED)))
            );
          }
          if (!r.ok) {
            return r.unmanaged.length > 0 && r.unmanaged.every((u) => !provableId(u.accessKeyId));
          }
          return (
            r.delete.every(provableId) &&
            !r.delete.includes(current) &&
            infos.length - r.delete.length < 2 &&
            infos.every((k) => provable(k) || k.accessKeyId === current || k.status === 'Inactive')
          );
        },
      ),
    );
  });
});

describe('rotationToken', () => {
  it('is a UUID-shaped version id, the same for the same decision version only', () => {
    expect(rotationToken('d-1', 2)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(rotationToken('d-1', 2)).toBe(rotationToken('d-1', 2));
    expect(rotationToken('d-1', 3)).not.toBe(rotationToken('d-1', 2));
  });
});
