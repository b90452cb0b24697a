import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE } from '../../lib/config/functions.js';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  /** Powertools middlewares in the order they should wrap a handler. */
  readonly middlewares: MiddlewareObj[];
}

/**
 * Powertools logger, metrics and tracer for one function. The service name and namespace come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE when set (infra sets them).
 */
export function observability(serviceName: string): Observability {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ serviceName, namespace: METRICS_NAMESPACE });
  const tracer = new Tracer({ serviceName });
  return {
    logger,
    metrics,
    tracer,
    middlewares: [
      captureLambdaHandler(tracer) as MiddlewareObj,
      injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj,
      logMetrics(metrics, { captureColdStartMetric: true }) as MiddlewareObj,
    ],
  };
}
