import type { Decision } from '../decision.js';
import { AccessRequestedDetail } from '../events.js';
import { parseOrThrow } from '../validation.js';
import { denied, derivedId, type GovernanceDeps } from './deps.js';
import { PolicyDeniedError } from './policy-evaluation.js';
import { submitRequest } from './submit.js';

/** An `AccessRequested` event as the bus delivered it: who sent it, and what it asks for. */
export interface TicketedRequest {
  /** The EventBridge event id: the idempotency key, so a redelivered event files nothing new. */
  readonly eventId: string;
  /** The event's `source` and `account`, set by EventBridge (never by the sender's detail). */
  readonly source: string;
  readonly account: string;
  /** The event's detail, validated here. */
  readonly detail: unknown;
}

/**
 * Files a request from a ticketing system. The requester is the principal the policy's `ticketing`
 * list maps the event's source (and account) to; nothing in the detail is ever the requester. An
 * unlisted source is refused and the attempt is kept as evidence (a denied attempt under an id derived
 * from the event id); nothing else is written.
 * @throws PolicyDeniedError when the source is not a trusted ticketing system (after recording it).
 * @throws ValidationError when the detail is not an AccessRequested detail; nothing is written.
 * @throws whatever submitRequest throws.
 */
export async function submitTicketed(deps: GovernanceDeps, input: TicketedRequest): Promise<Decision> {
  const trusted = (deps.policy.document.ticketing ?? []).find(
    (t) => t.source === input.source && (t.account === undefined || t.account === input.account),
  );
  if (!trusted)
    throw await denied(
      deps,
      derivedId('event', input.eventId),
      `event:${input.source}@${input.account}`,
      'submit via eventbridge',
      new PolicyDeniedError(
        `event source ${input.source} (account ${input.account}) is not a trusted ticketing system in the policy`,
      ),
    );
  const detail = parseOrThrow(AccessRequestedDetail, input.detail, 'AccessRequested detail');
  return submitRequest(deps, {
    request: detail.request,
    requester: trusted.principal,
    source: 'eventbridge',
    ticket: detail.ticket,
    idempotencyKey: input.eventId,
  });
}
