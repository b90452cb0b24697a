import * as z from 'zod';
import { BOUNDS } from '../../lib/domain/bounds.js';
import { EVENT_SOURCE } from '../../lib/domain/events.js';
import type { Governance } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { type Refusal, refusedOrThrown } from '../shared/error-outcomes.js';

/** The EventBridge envelope fields this function relies on. */
/** Bounded as EventBridge bounds them: they are recorded in evidence when the event is refused. */
const Envelope = z.object({
  id: z.string().min(1).max(BOUNDS.idempotencyKeyLength),
  'detail-type': z.string().min(1).max(BOUNDS.eventDetailTypeLength),
  source: z.string().min(1).max(BOUNDS.eventSourceLength),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  detail: z.unknown(),
});

export interface EventsDeps {
  /** Only the use cases this function runs (the wiring binds nothing else, to keep the bundle small). */
  readonly governance: Pick<Governance, 'fileSystemRevoke' | 'submitTicketed'>;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export type EventsResult =
  | { readonly decisionId: string; readonly status: string }
  | Refusal
  | { readonly ignored: string };

/**
 * Turns bus events into governance requests.
 *
 * - `RevokeRequested` (source `nhi-gov`): fileSystemRevoke.
 * - `AccessRequested` from a ticketing system: submitTicketed (the requester is the principal the
 *   policy maps the event's source and account to; unlisted sources are refused and the attempt is
 *   recorded; the EventBridge event id is the idempotency key).
 *
 * Errors map as for every EventBridge request entry (functions/shared/error-outcomes.ts): refusals
 * (invalid detail, policy denial, untrusted source) are returned, since retrying cannot help; other
 * errors, and an envelope that does not parse, throw, so EventBridge/Lambda retry and then the
 * dead-letter queue take over.
 */
export function buildHandler(deps: EventsDeps) {
  const gov = deps.governance;
  return async (event: unknown): Promise<EventsResult> => {
    const envelope = parseOrThrow(Envelope, event, 'EventBridge event');
    return refusedOrThrown<EventsResult>(
      async () => {
        if (envelope['detail-type'] === 'RevokeRequested' && envelope.source === EVENT_SOURCE) {
          const decision = await gov.fileSystemRevoke(envelope.detail as never);
          return decision
            ? { decisionId: decision.id, status: decision.status }
            : { ignored: 'the decision is no longer in force' };
        }
        if (envelope['detail-type'] === 'AccessRequested') {
          const decision = await gov.submitTicketed({
            eventId: envelope.id,
            source: envelope.source,
            account: envelope.account,
            detail: envelope.detail,
          });
          return { decisionId: decision.id, status: decision.status };
        }
        return { ignored: `${envelope['detail-type']} from ${envelope.source} is not handled here` };
      },
      (refusal) =>
        deps.warn?.('event refused', { id: envelope.id, code: refusal.refused, message: refusal.message }),
    );
  };
}
