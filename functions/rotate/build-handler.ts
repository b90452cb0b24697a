import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { DecisionEvent } from '../../lib/domain/provisioning/verify.js';
import {
  KeyRetirementEvent,
  type KeyRetirementOutcome,
  type RetireKey,
} from '../../lib/domain/rotation/key-retirement.js';
import type { OnDemandRotationOutcome, RotateOnDecision } from '../../lib/domain/rotation/on-demand.js';
import type { RotateAccessKeySecret, RotationStepResult } from '../../lib/domain/rotation/rotate-secret.js';
import { parseOrThrow } from '../../lib/domain/validation.js';
import { type Observability, observability } from '../shared/observability.js';
import { rememberActedOn } from '../shared/remember-acted-on.js';
import { RotateDecisionEvent, SecretsManagerRotationEvent } from './schema.js';

/** The outcomes idempotency may remember: verified and acted on. */
const REMEMBERED: ReadonlySet<OnDemandRotationOutcome['status']> = new Set([
  'started',
  'already-started',
  'already-complete',
]);

export interface RotateHandlerDeps {
  readonly rotation: Pick<RotateAccessKeySecret, 'handle'>;
  readonly onDemand: Pick<RotateOnDecision, 'admit' | 'execute'>;
  /** A replaced key's deactivation and deletion when its schedule fires. */
  readonly retireKey: Pick<RetireKey, 'handle'>;
  readonly persistenceStore: BasePersistenceLayer;
  readonly observability?: Observability;
}

/** The handler around the two use cases; tests pass their own dependencies. */
export function buildHandler(deps: RotateHandlerDeps) {
  const obs = deps.observability ?? observability('rotate');
  const rotateOnce = rememberActedOn(deps.onDemand, deps.persistenceStore, REMEMBERED);

  const handle = async (
    event: unknown,
    context: Context,
  ): Promise<RotationStepResult | OnDemandRotationOutcome | KeyRetirementOutcome> => {
    // Secrets Manager's rotation events carry `Step`; everything else must be a decision event.
    if (typeof event === 'object' && event !== null && 'Step' in event) {
      const step = parseOrThrow(SecretsManagerRotationEvent, event, 'rotation event');
      obs.logger.appendKeys({ secretId: step.SecretId, step: step.Step });
      const result = await deps.rotation.handle({
        step: step.Step,
        secretId: step.SecretId,
        token: step.ClientRequestToken,
      });
      obs.logger.info('rotation step done', { done: result.done });
      if (step.Step === 'finishSecret') obs.metrics.addMetric('SecretsRotated', MetricUnit.Count, 1);
      return result;
    }
    if (typeof event === 'object' && event !== null && 'kind' in event && event.kind === 'KeyRetirementDue') {
      const due = parseOrThrow(KeyRetirementEvent, event, 'key retirement event');
      obs.logger.appendKeys({ secretId: due.secretId, accessKeyId: due.accessKeyId, action: due.action });
      const outcome = await deps.retireKey.handle(due);
      obs.logger.info(`key retirement: ${outcome.status}`, {
        reason: 'reason' in outcome ? outcome.reason : undefined,
      });
      return outcome;
    }
    const parsed = parseOrThrow(RotateDecisionEvent, event, 'rotate decision event');
    const input: DecisionEvent = { detailType: parsed['detail-type'], ...parsed.detail };
    obs.logger.appendKeys({ decisionId: input.decisionId, version: input.version });
    const outcome = await rotateOnce(input, context, context.invokedFunctionArn);
    if (outcome.status === 'forged' || outcome.status === 'ignored') {
      obs.metrics.addMetric('ForgedEvents', MetricUnit.Count, 1);
      obs.logger.warn('event not backed by its decision; nothing done, finding opened', {
        reason: outcome.reason,
      });
    } else {
      obs.logger.info(`rotate decision: ${outcome.status}`, {
        secretId: outcome.secretId,
        reason: outcome.reason,
      });
    }
    return outcome;
  };
  return middy(handle).use(obs.middlewares);
}
