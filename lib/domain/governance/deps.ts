import { createHash } from 'node:crypto';
import type { CampaignStore } from '../../ports/campaign-store.js';
import type { Clock, IdGenerator } from '../../ports/clock.js';
import type { GovernanceStore } from '../../ports/governance-store.js';
import type { PolicyDocumentReader } from '../../ports/policy-documents.js';
import type { Decision } from '../decision.js';
import { type AppError, NotFoundError, ValidationError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import { Id } from '../primitives.js';

/** What the governance use cases run on. Handlers and the CLI build it once and pass it in. */
export interface GovernanceDeps {
  readonly decisions: GovernanceStore;
  /** Needed only by the certification use cases. */
  readonly campaigns?: CampaignStore;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /**
   * Reads policy documents for the escalation analysis of grants (the IAM snapshot locally, read-only
   * IAM deployed). Without it, an inline grant is analysed alone and a managed one is unanalysable.
   */
  readonly documents?: PolicyDocumentReader;
}

/**
 * A deterministic id from its parts (26 hex characters), for writes that must happen at most once
 * whatever the retries: the system revoke of a decision, a request with an idempotency key.
 */
export function derivedId(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 26);
}

/**
 * Checks an id given by a caller before it is used in a key (ids are bounded; see bounds.ts).
 * @throws ValidationError naming `what` when it is not an id.
 */
export function parseId(id: string, what: string): string {
  const valid = Id.safeParse(id);
  if (!valid.success)
    throw new ValidationError(`${what}: ${valid.error.issues[0]?.message ?? 'invalid'}`, [
      { path: what, message: valid.error.issues[0]?.message ?? 'invalid' },
    ]);
  return valid.data;
}

/**
 * Reads a decision with a strongly consistent read.
 * @throws ValidationError when `id` is not a decision id (it would not fit the table's key).
 * @throws NotFoundError when there is none.
 */
export async function mustGet(deps: GovernanceDeps, id: string): Promise<Decision> {
  parseId(id, 'decision id');
  const decision = await deps.decisions.get(id, { consistent: true });
  if (!decision) throw new NotFoundError(`decision ${id} does not exist`);
  return decision;
}

/**
 * Keeps a refused attempt as evidence beside the decision, then returns the error for the caller to
 * throw. The decision itself is not touched.
 */
export async function denied<E extends AppError>(
  deps: GovernanceDeps,
  decisionId: string,
  actor: string,
  action: string,
  error: E,
): Promise<E> {
  await deps.decisions.recordDeniedAttempt({
    decisionId,
    at: deps.clock.now().toISOString(),
    actor,
    action,
    code: error.code,
    reason: error.message,
  });
  return error;
}

/** The decision as callers may see it: everything but the Step Functions task token. */
export function publicDecision(decision: Decision): Omit<Decision, 'taskToken'> {
  const { taskToken: _token, ...rest } = decision;
  return rest;
}
