import type { RevokeRequestedDetail } from '../domain/events.js';

/**
 * Files a system revoke request with governance (which turns it into a revoke decision). Scanners use
 * this instead of touching IAM: deciding and executing stay apart even for expiry.
 */
export interface RevokeRequester {
  requestRevoke(detail: RevokeRequestedDetail): Promise<void>;
}
