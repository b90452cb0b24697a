import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  MANIFEST_FILE,
  type Manifest,
  renderManifest,
  sha256Hex,
  verifyPackage,
} from '../../../../lib/domain/evidence/manifest.js';
import { previousPeriod } from '../../../../lib/domain/evidence/period.js';

const enc = new TextEncoder();
const META = {
  period: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
  generatedAt: '2026-03-01T03:00:00.000Z',
  generator: 'test',
  source: 'local',
};

/** A package of these files with its manifest, as the writer makes it. */
function packageOf(files: Record<string, string>): Map<string, Uint8Array> {
  const map = new Map(Object.entries(files).map(([p, t]) => [p, enc.encode(t)]));
  map.set(MANIFEST_FILE, enc.encode(renderManifest(buildManifest(map, META))));
  return map;
}

/** Replaces the manifest with this one, re-rendered and with a correct digest (a forger's best effort). */
function withManifest(
  pkg: Map<string, Uint8Array>,
  edit: (m: Manifest) => Manifest,
): Map<string, Uint8Array> {
  const manifest = JSON.parse(new TextDecoder().decode(pkg.get(MANIFEST_FILE))) as Manifest;
  const next = new Map(pkg);
  next.set(MANIFEST_FILE, enc.encode(`${JSON.stringify(edit(manifest), null, 2)}\n`));
  return next;
}

const PKG = () =>
  packageOf({ 'a.csv': 'x,y\r\n1,2\r\n', 'b.json': '{"rows":[]}\n', 'policies/p.yaml': 'name: p\n' });

describe('verifyPackage', () => {
  it('accepts the package the writer made, and the digest it recorded', () => {
    const pkg = PKG();
    const digest = JSON.parse(new TextDecoder().decode(pkg.get(MANIFEST_FILE))).packageDigest;

    expect(verifyPackage(pkg, { expectDigest: digest })).toMatchObject({ ok: true, files: 3, problems: [] });
  });

  it('refuses any single-byte change to any file, the manifest included', () => {
    const pkg = PKG();
    const paths = [...pkg.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (path, offset, xor) => {
          const data = Uint8Array.from(pkg.get(path) as Uint8Array);
          data[offset % data.length] = (data[offset % data.length] as number) ^ xor;
          const altered = new Map(pkg).set(path, data);

          expect(verifyPackage(altered).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses manifests that point outside the package, list a file twice or list themselves, without reading them', () => {
    for (const path of [
      '../etc/passwd',
      '/etc/passwd',
      'a/../../x',
      './a.csv',
      'a//b',
      'manifest.json',
      'C:\\x',
      '',
    ]) {
      const forged = withManifest(PKG(), (m) => ({
        ...m,
        files: [...m.files, { path, sha256: sha256Hex(''), bytes: 0 }],
      }));
      const result = verifyPackage(forged);
      expect(result.ok, path).toBe(false);
      expect(result.problems[0]?.kind, path).toBe('manifest');
    }
    const twice = withManifest(PKG(), (m) => ({
      ...m,
      files: [...m.files, m.files[0] as Manifest['files'][number]],
    }));
    expect(verifyPackage(twice).problems.map((p) => p.detail)).toContain('listed twice');
  });

  it('refuses a manifest whose digest does not cover its content, or that is not in its canonical form', () => {
    const pkg = PKG();
    const otherPeriod = withManifest(pkg, (m) => ({
      ...m,
      period: { ...m.period, to: '2026-04-01T00:00:00.000Z' },
    }));
    const reordered = withManifest(pkg, ({ packageDigest, ...m }) => ({ packageDigest, ...m }) as Manifest);

    expect(verifyPackage(otherPeriod).problems.map((p) => p.kind)).toEqual(['digest']);
    expect(verifyPackage(reordered).problems.map((p) => p.detail)).toContain('not in its canonical form');
    expect(verifyPackage(new Map([...pkg].filter(([p]) => p !== MANIFEST_FILE))).problems[0]?.kind).toBe(
      'missing',
    );
  });
});

describe('previousPeriod', () => {
  it('is the last complete month, ISO week or day before now, and never reaches past now', () => {
    expect(previousPeriod(new Date('2026-03-01T03:00:00Z'), 'month')).toEqual({
      since: '2026-02-01T00:00:00.000Z',
      until: '2026-03-01T00:00:00.000Z',
    });
    expect(previousPeriod(new Date('2026-01-15T00:00:00Z'), 'month').since).toBe('2025-12-01T00:00:00.000Z');
    expect(previousPeriod(new Date('2026-03-04T10:00:00Z'), 'week')).toEqual({
      since: '2026-02-23T00:00:00.000Z',
      until: '2026-03-02T00:00:00.000Z',
    });
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('month', 'week', 'day' as const),
        (now, unit) => {
          const p = previousPeriod(now, unit);
          expect(p.since < p.until).toBe(true);
          expect(Date.parse(p.until)).toBeLessThanOrEqual(now.getTime());
        },
      ),
    );
  });
});
