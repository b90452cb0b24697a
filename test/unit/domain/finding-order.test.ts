import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareFindings, type OrderedFinding } from '../../../lib/domain/finding-order.js';
import { SEVERITY_RANK } from '../../../lib/domain/primitives.js';

const finding: fc.Arbitrary<OrderedFinding> = fc.record({
  severity: fc.constantFrom('critical', 'high', 'medium', 'low', 'info'),
  firstSeen: fc
    .integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') })
    .map((ms) => new Date(ms).toISOString()),
  type: fc.constantFrom('stale-role', 'unused-access-key', 'unapproved-access', 'forged-event'),
  identityKey: fc.constantFrom('role/a', 'role/b', 'user/a'),
  id: fc.stringMatching(/^[0-9a-f]{4,8}$/),
});

describe('compareFindings', () => {
  it('lists the worst first, then the oldest, then by type, identity and id', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 30 }), (findings) => {
        // Act
        const sorted = [...findings].sort(compareFindings);

        // Assert: each neighbour pair is in order by the first field that differs
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1] as OrderedFinding, sorted[i] as OrderedFinding];
          const bySeverity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
          if (bySeverity !== 0) expect(bySeverity).toBeGreaterThan(0);
          else if (a.firstSeen !== b.firstSeen) expect(a.firstSeen < b.firstSeen).toBe(true);
          else if (a.type !== b.type) expect(a.type < b.type).toBe(true);
          else if (a.identityKey !== b.identityKey) expect(a.identityKey < b.identityKey).toBe(true);
          else expect(a.id <= b.id).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same order whatever order the findings arrive in', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 20 }), fc.func(fc.integer()), (findings, key) => {
        // Arrange: the same findings, shuffled by an arbitrary key
        const shuffled = findings
          .map((f, i) => ({ f, k: key(f, i) }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.f);

        // Act / Assert
        expect([...shuffled].sort(compareFindings)).toEqual([...findings].sort(compareFindings));
      }),
      { numRuns: 100 },
    );
  });
});
