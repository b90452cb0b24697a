import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import type { Decision } from '../../lib/domain/decision.js';
import type { DecisionEvent } from '../../lib/domain/provisioning/verify.js';

/** Idempotency records outlive every retry of an event (EventBridge retries for up to 24 hours). */
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The idempotency key of a verified decision event: the decision version it executes, as the stored
 * decision says (the event was checked against it before the key is ever written). Powertools hashes
 * this array itself (no JMESPath expression, so the JMESPath package stays out of the bundles); the
 * hash is the one the expression `[decisionId, version, status, kind, identityKey]` gave.
 */
const eventKey = (event: DecisionEvent) =>
  [event.decisionId, event.version, event.status, event.kind, event.identityKey] as const;

/** Carries an outcome out of the idempotent section without Powertools storing it. */
class NotRemembered<T> extends Error {
  constructor(readonly outcome: T) {
    super('outcome not remembered');
  }
}

export interface ActedOnExecutor<T extends { readonly status: string }, A extends unknown[]> {
  /** The gate: verification and, for a refusal, its finding. Runs before idempotency, on every event. */
  admit(event: DecisionEvent): Promise<{ ok: true; decision: Decision } | { ok: false; outcome: T }>;
  /** The effect of a verified decision. */
  execute(decision: Decision, ...args: A): Promise<T>;
}

/**
 * Exactly-once for an executor, remembering only what was verified and acted on (invariant 10).
 *
 * Every event is admitted first, outside idempotency: a forged, stale or ignored event never takes the
 * in-progress lock nor leaves a record, so it cannot turn a later (or concurrent) genuine event of the
 * same key into a no-op, whatever ids an attacker guesses. Only a verified event reaches
 * `makeIdempotent`, keyed on the decision version it executes; and of its outcomes only those in
 * `remembered` are stored (anything else is returned but not kept, like an error).
 */
export function rememberActedOn<T extends { readonly status: string }, A extends unknown[]>(
  executor: ActedOnExecutor<T, A>,
  persistenceStore: BasePersistenceLayer,
  remembered: ReadonlySet<string>,
) {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
  const once = makeIdempotent(
    async (_key: ReturnType<typeof eventKey>, decision: Decision, ...args: A): Promise<T> => {
      const outcome = await executor.execute(decision, ...args);
      if (!remembered.has(outcome.status)) throw new NotRemembered(outcome);
      return outcome;
    },
    { persistenceStore, config },
  );
  return async (event: DecisionEvent, context: Context, ...args: A): Promise<T> => {
    config.registerLambdaContext(context);
    const admission = await executor.admit(event);
    if (!admission.ok) return admission.outcome;
    try {
      return await once(eventKey(event), admission.decision, ...args);
    } catch (error) {
      if (error instanceof NotRemembered) return error.outcome as T;
      throw error;
    }
  };
}
