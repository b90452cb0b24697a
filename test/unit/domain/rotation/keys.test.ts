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

describe('keysToDelete', () => {
  it('deletes nothing when there is room and nothing is past its grace period', () => {
    expect(keysToDelete([key('CUR', 'Active', 3)], 'CUR', now, 7)).toEqual({
      ok: true,
      delete: [],
      notes: [],
    });
  });

  it('deletes an inactive key once the grace period since the current key was created is over', () => {
    const r = keysToDelete([key('OLD', 'Inactive', 40), key('CUR', 'Active', 8)], 'CUR', now, 7);
    expect(r).toMatchObject({ ok: true, delete: ['OLD'] });
  });

  it('frees a slot within the grace period, inactive key first', () => {
    const r = keysToDelete([key('OLD', 'Inactive', 10), key('CUR', 'Active', 2)], 'CUR', now, 7);
    expect(r).toMatchObject({
      ok: true,
      delete: ['OLD'],
      notes: [expect.stringMatching(/two keys per user/)],
    });
  });

  it('deletes a non-current active key (an orphan) when the current one is there to keep working', () => {
    expect(keysToDelete([key('CUR', 'Active', 30), key('ORPHAN', 'Active', 0)], 'CUR', now, 7)).toMatchObject(
      {
        ok: true,
        delete: ['ORPHAN'],
      },
    );
  });

  it('refuses to delete active keys when the secret holds neither of them', () => {
    expect(keysToDelete([key('A', 'Active', 30), key('B', 'Active', 1)], 'GONE', now, 7)).toMatchObject({
      ok: false,
    });
  });

  it('never deletes the current key and always leaves room for a new one', () => {
    const arbKey = fc.record({
      id: fc.constantFrom('A', 'B', 'C'),
      active: fc.boolean(),
      days: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbKey, { minLength: 0, maxLength: 2, selector: (k) => k.id }),
        fc.constantFrom('A', 'B', 'C'),
        fc.integer({ min: 0, max: 30 }),
        (keys, current, grace) => {
          const infos = keys.map((k) => key(k.id, k.active ? 'Active' : 'Inactive', k.days));
          const r = keysToDelete(infos, current, now, grace);
          if (!r.ok) return infos.length === 2 && infos.every((k) => k.accessKeyId !== current);
          return !r.delete.includes(current) && infos.length - r.delete.length < 2;
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
