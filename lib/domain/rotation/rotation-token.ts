import { createHash } from 'node:crypto';

/** Secret tags with which on-demand rotation marks the version it asked for, so finishSecret can say why. */
export const TAG_ROTATION_TOKEN = 'nhi-gov:rotation-token';
export const TAG_ROTATION_DECISION = 'nhi-gov:rotation-decision';

/**
 * The ClientRequestToken (new version id) of the rotation a decision asks for: a UUID-shaped hash of
 * (decision id, version), so a retried request names the same version and is recognised as done.
 */
export function rotationToken(decisionId: string, version: number): string {
  const h = createHash('sha256').update(`${decisionId}\u0000${version}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
