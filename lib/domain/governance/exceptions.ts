import * as z from 'zod';
import type { Decision, DecisionSource } from '../decision.js';
import { ValidationError } from '../errors.js';
import { ExceptionRequest, RiskAcceptance } from '../request.js';
import { parseOrThrow } from '../validation.js';
import { type GovernanceDeps, mustGet } from './deps.js';
import { submitRequest } from './submit.js';

/** The body of an exception renewal: a new expiry and justification; the rest defaults to the old exception's. */
export const RenewExceptionBody = z.strictObject({
  expiresAt: ExceptionRequest.shape.expiresAt,
  justification: ExceptionRequest.shape.justification,
  riskAcceptance: RiskAcceptance.optional(),
  findingTypes: ExceptionRequest.shape.findingTypes.optional(),
  ticket: ExceptionRequest.shape.ticket,
});
export type RenewExceptionBody = z.infer<typeof RenewExceptionBody>;

export interface ExceptionInput {
  readonly body: unknown;
  readonly requester: string;
  readonly source: DecisionSource;
  readonly idempotencyKey?: string;
}

/**
 * Requests an exception (risk acceptance with a mandatory expiry within the policy's maximum).
 * @throws ValidationError when the body is not an exception request (every bad field named).
 * @throws PolicyDeniedError when the expiry is past or beyond the policy's maximum (recorded).
 */
export async function requestException(deps: GovernanceDeps, input: ExceptionInput): Promise<Decision> {
  const body =
    input.body && typeof input.body === 'object' && !('kind' in input.body)
      ? { kind: 'exception', ...input.body }
      : input.body;
  const request = parseOrThrow(ExceptionRequest, body, 'exception request');
  return submitRequest(deps, {
    request,
    requester: input.requester,
    source: input.source,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
  });
}

/**
 * Renews an exception: a new exception decision that references the old one (`renewalOf`), with its
 * own approvals and expiry. The old decision is never edited.
 * @throws NotFoundError when the old decision does not exist; ValidationError when it is not an exception.
 */
export async function renewException(
  deps: GovernanceDeps,
  input: ExceptionInput & { readonly id: string },
): Promise<Decision> {
  const body = parseOrThrow(RenewExceptionBody, input.body, 'exception renewal');
  const old = await mustGet(deps, input.id);
  if (old.request.kind !== 'exception')
    throw new ValidationError(`decision ${old.id} is a ${old.kind}, not an exception`, [
      { path: 'id', message: 'must reference an exception decision' },
    ]);
  const previous = old.request;
  return submitRequest(deps, {
    requester: input.requester,
    source: input.source,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    request: {
      kind: 'exception',
      identity: previous.identity,
      findingTypes: body.findingTypes ?? previous.findingTypes,
      riskAcceptance: body.riskAcceptance ?? previous.riskAcceptance,
      expiresAt: body.expiresAt,
      renewalOf: old.id,
      justification: body.justification,
      ...(body.ticket ? { ticket: body.ticket } : {}),
      ...(previous.owner ? { owner: previous.owner } : {}),
    },
  });
}
