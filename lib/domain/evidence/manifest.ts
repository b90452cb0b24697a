import { createHash } from 'node:crypto';
import * as z from 'zod';

/** The manifest's own name inside a package; it is the one file the manifest does not list. */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'nhi-gov-evidence/1';

/**
 * A package path: relative, forward slashes, no `.`/`..` segments, a short safe alphabet. A manifest
 * naming anything else is refused before a single file is read (it could point outside the package).
 */
export const PackagePath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, 'must be a relative package path')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or .. segments')
  .refine((p) => p !== MANIFEST_FILE, 'must not list the manifest itself');

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase SHA-256 hex digest');

export const ManifestEntry = z.strictObject({
  path: PackagePath,
  sha256: Sha256Hex,
  bytes: z.number().int().nonnegative(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const Manifest = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  period: z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
  generatedAt: z.string().min(1),
  generator: z.string().min(1),
  source: z.string().min(1),
  files: z.array(ManifestEntry),
  /** `sha256:<hex>` over the canonical JSON of every other field of this manifest (files included). */
  packageDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});
export type Manifest = z.infer<typeof Manifest>;

export type ManifestBody = Omit<Manifest, 'packageDigest'>;

/** Lowercase hex SHA-256 of some bytes. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The only serialization of a manifest verify accepts: the schema's key order, 2-space JSON, newline. */
export function renderManifest(manifest: Manifest): string {
  return `${JSON.stringify(Manifest.parse(manifest), null, 2)}\n`;
}

/** The package digest: SHA-256 over the canonical JSON of the manifest without its digest (fixed key order). */
export function packageDigest(body: ManifestBody): string {
  const canonical = {
    format: body.format,
    period: { from: body.period.from, to: body.period.to },
    generatedAt: body.generatedAt,
    generator: body.generator,
    source: body.source,
    files: body.files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })),
  };
  return `sha256:${sha256Hex(JSON.stringify(canonical))}`;
}

/**
 * The manifest of a set of files: each one's SHA-256 and size, sorted by path, and the digest over all.
 * @throws Error when a path is not a valid package path (a bug in the caller, not user input).
 */
export function buildManifest(
  files: ReadonlyMap<string, Uint8Array>,
  meta: Pick<Manifest, 'period' | 'generatedAt' | 'generator' | 'source'>,
): Manifest {
  const entries = [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, data]) => ManifestEntry.parse({ path, sha256: sha256Hex(data), bytes: data.byteLength }));
  const body: ManifestBody = { format: MANIFEST_FORMAT, ...meta, files: entries };
  return { ...body, packageDigest: packageDigest(body) };
}

export type VerifyProblemKind = 'manifest' | 'missing' | 'altered' | 'unexpected' | 'digest';

export interface VerifyProblem {
  readonly kind: VerifyProblemKind;
  readonly path: string;
  readonly detail: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly packageDigest: string | null;
  readonly files: number;
  readonly problems: readonly VerifyProblem[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a package: the manifest parses, is in its one canonical form and carries the digest of its own
 * content; every listed file is present with its SHA-256 and size; no file is present that it does not
 * list. With `expectDigest` (recorded elsewhere: the S3 copy, a receipt), the digest must also equal it,
 * which is what detects a package rewritten as a whole. Pure: the caller reads the files.
 */
export function verifyPackage(
  files: ReadonlyMap<string, Uint8Array>,
  options: { readonly expectDigest?: string } = {},
): VerifyResult {
  const problems: VerifyProblem[] = [];
  const fail = (kind: VerifyProblemKind, path: string, detail: string): VerifyResult => ({
    ok: false,
    packageDigest: null,
    files: 0,
    problems: [...problems, { kind, path, detail }],
  });
  const raw = files.get(MANIFEST_FILE);
  if (!raw) return fail('missing', MANIFEST_FILE, 'the package has no manifest');
  let text: string;
  let parsedJson: unknown;
  try {
    text = decoder.decode(raw);
    parsedJson = JSON.parse(text);
  } catch (error) {
    return fail('manifest', MANIFEST_FILE, `not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  const parsed = Manifest.safeParse(parsedJson);
  if (!parsed.success) {
    return fail('manifest', MANIFEST_FILE, `not a manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const manifest = parsed.data;
  if (renderManifest(manifest) !== text) {
    problems.push({ kind: 'manifest', path: MANIFEST_FILE, detail: 'not in its canonical form' });
  }
  const { packageDigest: stated, ...body } = manifest;
  const computed = packageDigest(body);
  if (computed !== stated) {
    problems.push({
      kind: 'digest',
      path: MANIFEST_FILE,
      detail: `digest ${stated} but content gives ${computed}`,
    });
  }
  if (options.expectDigest !== undefined && options.expectDigest !== stated) {
    problems.push({
      kind: 'digest',
      path: MANIFEST_FILE,
      detail: `digest ${stated}, expected ${options.expectDigest}`,
    });
  }
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    if (listed.has(entry.path)) {
      problems.push({ kind: 'manifest', path: entry.path, detail: 'listed twice' });
      continue;
    }
    listed.add(entry.path);
    const data = files.get(entry.path);
    if (!data) {
      problems.push({ kind: 'missing', path: entry.path, detail: 'listed in the manifest but absent' });
    } else if (data.byteLength !== entry.bytes || sha256Hex(data) !== entry.sha256) {
      problems.push({ kind: 'altered', path: entry.path, detail: 'its SHA-256 differs from the manifest' });
    }
  }
  for (const path of [...files.keys()].sort()) {
    if (path !== MANIFEST_FILE && !listed.has(path)) {
      problems.push({ kind: 'unexpected', path, detail: 'present but not listed in the manifest' });
    }
  }
  return { ok: problems.length === 0, packageDigest: stated, files: manifest.files.length, problems };
}
