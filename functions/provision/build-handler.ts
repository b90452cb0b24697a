import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ProvisionDecision, ProvisionOutcome } from '../../lib/domain/provisioning/provision.js';
import type { DecisionEvent } from '../../lib/domain/provisioning/verify.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { type Observability, observability } from '../shared/observability.js';
import { rememberActedOn } from '../shared/remember-acted-on.js';
import { ProvisionEvent } from './schema.js';

/** The outcomes idempotency may remember: verified and acted on. */
const REMEMBERED: ReadonlySet<ProvisionOutcome['status']> = new Set(['succeeded', 'already-complete']);

export interface ProvisionHandlerDeps {
  readonly provision: Pick<ProvisionDecision, 'admit' | 'execute'>;
  /** Powertools idempotency store (the idempotency table). */
  readonly persistenceStore: BasePersistenceLayer;
  readonly observability?: Observability;
}

/** The handler around a use case; tests pass their own dependencies. */
export function buildHandler(deps: ProvisionHandlerDeps) {
  const obs = deps.observability ?? observability('provision');
  const provisionOnce = rememberActedOn(deps.provision, deps.persistenceStore, REMEMBERED);

  const handle = async (event: unknown, context: Context): Promise<ProvisionOutcome> => {
    const parsed = parseOrThrow(ProvisionEvent, event, 'provision event');
    const input: DecisionEvent = { detailType: parsed['detail-type'], ...parsed.detail };
    obs.logger.appendKeys({ decisionId: input.decisionId, version: input.version });
    const outcome = await provisionOnce(input, context);
    if (outcome.status === 'forged' || outcome.status === 'ignored') {
      obs.metrics.addMetric('ForgedEvents', MetricUnit.Count, 1);
      obs.logger.warn('event not backed by its decision; nothing done, finding opened', {
        reason: outcome.reason,
      });
    } else if (outcome.status === 'succeeded') {
      obs.metrics.addMetric('ProvisioningLatency', MetricUnit.Milliseconds, outcome.latencyMs ?? 0);
      obs.logger.info('decision executed', { changes: outcome.changes, notes: outcome.notes });
    } else {
      obs.logger.info(`nothing to do: ${outcome.status}`, { reason: outcome.reason });
    }
    return outcome;
  };
  return middy(handle).use(obs.middlewares);
}
