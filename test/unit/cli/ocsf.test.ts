import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OCSF_VERSION, toOcsf } from '../../../lib/cli/ocsf.js';
import { FINDING_TYPES, FRAMEWORKS, findingId } from '../../../lib/domain/finding.js';
import { projectFinding } from '../../../lib/domain/finding-projection.js';
import { aFinding } from '../../support/builders.js';
import { ocsfErrors } from '../../support/ocsf.js';

const iso = fc
  .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') })
  .map((t) => new Date(t).toISOString());

describe(`OCSF ${OCSF_VERSION} records`, () => {
  it('validate against the vendored schema of their class, for any finding', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom(...FINDING_TYPES),
          status: fc.constantFrom('open', 'suppressed', 'resolved' as const),
          severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical' as const),
          kind: fc.constantFrom('role', 'user', 'decision'),
          name: fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
          title: fc.string({ minLength: 1, maxLength: 300 }),
          firstSeen: iso,
          later: fc.nat({ max: 90 * 86_400_000 }),
          owner: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
          evidence: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })),
        }),
        (g) => {
          const lastSeen = new Date(Date.parse(g.firstSeen) + g.later).toISOString();
          const identityKey = `${g.kind}/${g.name}`;
          const finding = aFinding({
            id: findingId(g.type, identityKey),
            type: g.type,
            status: g.status,
            severity: g.severity,
            identityKey,
            title: g.title,
            firstSeen: g.firstSeen,
            lastSeen,
            owner: g.owner,
            evidence: g.evidence,
            frameworks: FRAMEWORKS[g.type],
            ...(g.status === 'resolved' ? { resolvedAt: lastSeen } : {}),
          });

          const record = toOcsf(projectFinding(finding, new Date(lastSeen)), '0.1.0');

          expect(ocsfErrors(record)).toEqual([]);
          expect(record.class_uid).toBe(
            g.type === 'forged-event' || g.type === 'human-use-of-nhi' ? 2004 : 2003,
          );
          expect(record.type_uid).toBe((record.class_uid as number) * 100 + (record.activity_id as number));
          expect(record.activity_id).toBe(g.status === 'resolved' ? 3 : g.later === 0 ? 1 : 2);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are checked by a schema that refuses wrong records (it is not vacuous)', () => {
    const good = toOcsf(projectFinding(aFinding(), new Date('2026-03-01T00:00:00Z')), '0.1.0');
    const { compliance: _dropped, ...noCompliance } = good;

    expect(ocsfErrors(good)).toEqual([]);
    expect(ocsfErrors({ ...good, severity_id: 9 }).join()).toMatch(/severity_id/);
    expect(ocsfErrors(noCompliance).join()).toMatch(/compliance/);
    expect(ocsfErrors({ ...good, type_uid: 200401 }).join()).toMatch(/type_uid/);
    expect(ocsfErrors({ ...good, surprise: true }).join()).toMatch(/additional properties/);
    expect(ocsfErrors({ ...good, metadata: { version: OCSF_VERSION } }).join()).toMatch(/product/);
    expect(ocsfErrors({ ...good, time: '2026-03-01' }).join()).toMatch(/time/);
  });
});
