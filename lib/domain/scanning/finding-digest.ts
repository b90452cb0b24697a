import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { Finding } from '../finding.js';

/**
 * A hash of everything a finding says except when it was last seen: the title counts by its template
 * (so "not used for 100 days" and "101 days" of the same key are the same content). A re-scan writes a
 * finding only when this changes (or when the stored one does not follow the scans yet), so an
 * unchanged condition costs no write. 132 bits: a collision would hide one change of one finding.
 */
export function findingDigest(finding: Finding): string {
  const { lastSeen: _lastSeen, title, titleTemplate, ...content } = finding;
  return createHash('sha256')
    .update(canonicalJson({ ...content, title: titleTemplate ?? title }))
    .digest('base64url')
    .slice(0, 22);
}
