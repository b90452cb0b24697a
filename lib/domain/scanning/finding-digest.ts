import { createHash } from 'node:crypto';
import type { Finding } from '../finding.js';

/** JSON with every object's keys sorted, so the same content always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A hash of everything a finding says except when it was last seen: the title counts by its template
 * (so "not used for 100 days" and "101 days" of the same key are the same content). A re-scan writes a
 * finding only when this changes (or when the stored one does not follow the scans yet), so an
 * unchanged condition costs no write. 128 bits: a collision would hide one change of one finding.
 */
export function findingDigest(finding: Finding): string {
  const { lastSeen: _lastSeen, title, titleTemplate, ...content } = finding;
  return createHash('sha256')
    .update(canonical({ ...content, title: titleTemplate ?? title }))
    .digest('base64url')
    .slice(0, 22);
}
