import type { Finding } from './finding.js';
import { SEVERITY_RANK } from './primitives.js';

/** What the order reads: the same fields on a stored finding and on its projection (finding-projection.ts). */
export type OrderedFinding = Pick<Finding, 'severity' | 'firstSeen' | 'type' | 'identityKey' | 'id'>;

/**
 * The one order findings are listed in, everywhere (scan output, every report, Security Hub batches):
 * worst severity first; then the oldest first (open longest, so first to act on); then by type, identity
 * and id, so equal findings always come out in the same order.
 */
export function compareFindings(a: OrderedFinding, b: OrderedFinding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.type.localeCompare(b.type) ||
    a.identityKey.localeCompare(b.identityKey) ||
    a.id.localeCompare(b.id)
  );
}
