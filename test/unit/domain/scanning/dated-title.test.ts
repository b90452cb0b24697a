import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../lib/domain/primitives.js';
import { daysSinceToken, isDatedTitle, renderTitle } from '../../../../lib/domain/scanning/dated-title.js';
import { findingDigest } from '../../../../lib/domain/scanning/finding-digest.js';
import { aFinding } from '../../../support/builders.js';

const instant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2040-01-01T00:00:00Z'),
  noInvalidDate: true,
});

describe('dated titles', () => {
  it('renders a days-since token as the whole days from its instant to the as-of, as the rules counted them', () => {
    fc.assert(
      fc.property(instant, instant, (since, asOf) => {
        const title = renderTitle(
          `role x not used for ${daysSinceToken(since.toISOString())} days`,
          asOf.toISOString(),
        );
        const days = Math.floor((asOf.getTime() - since.getTime()) / DAY_MS);
        expect(title).toBe(`role x not used for ${days} days`);
      }),
    );
  });

  it('leaves any title without a well-formed token as it is, braces and look-alikes included', () => {
    const text = fc
      .array(fc.constantFrom('a', '{', '}', '{{days-since:', '2026-01-01', 'T00:00:00Z', '}}', ' '), {
        maxLength: 12,
      })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, instant, (title, asOf) => {
        fc.pre(!isDatedTitle(title));
        expect(renderTitle(title, asOf.toISOString())).toBe(title);
      }),
    );
  });
});

describe('findingDigest', () => {
  it('ignores lastSeen, the rendered day count and key order, and changes with anything else', () => {
    const base = aFinding({ titleTemplate: `never used for ${daysSinceToken('2025-01-01T00:00:00Z')} days` });
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as typeof base;
    expect(
      findingDigest({ ...reordered, lastSeen: '2026-05-01T00:00:00.000Z', title: 'never used for 485 days' }),
    ).toBe(findingDigest(base));
    for (const change of [
      { owner: 'team-other' },
      { status: 'suppressed' as const, suppressedBy: 'd-1' },
      { severity: 'high' as const },
      { evidence: { lastUsed: '2026-01-01T00:00:00Z' } },
      { firstSeen: '2025-12-31T00:00:00.000Z' },
      { titleTemplate: `not used for ${daysSinceToken('2025-01-02T00:00:00Z')} days` },
    ]) {
      expect(findingDigest({ ...base, ...change })).not.toBe(findingDigest(base));
    }
  });
});
