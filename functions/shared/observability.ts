import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE } from '../../lib/config/functions.js';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Powertools middlewares in the order they should wrap a handler. */
  readonly middlewares: MiddlewareObj[];
}

/**
 * The metrics' own notices through the function's logger. An invocation that records no metric (a
 * replay, an ignored event) is normal here, so Powertools' "No application metrics to publish" is a
 * debug line, not a warning on every such invocation; every other notice stays a warning.
 */
function metricsLogger(logger: Logger) {
  const text = (content: unknown[]) => content.map(String).join(' ');
  return {
    debug: (...content: unknown[]) => logger.debug(text(content)),
    info: (...content: unknown[]) => logger.info(text(content)),
    warn: (...content: unknown[]) =>
      /^No application metrics to publish/.test(text(content))
        ? logger.debug(text(content))
        : logger.warn(text(content)),
    error: (...content: unknown[]) => logger.error(text(content)),
  };
}

/**
 * Powertools logger and metrics for one function. The service name and namespace come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE when set (infra sets them).
 *
 * No Powertools Tracer: tracing is Lambda's active tracing (infra sets `Tracing.ACTIVE`), which
 * records each invocation's Initialization, Invocation and Overhead segments without any code in
 * the bundle. The Tracer only added a `## handler` subsegment (it never wrapped the SDK clients) at
 * the price of the aws-xray-sdk-core chain (about 110 KiB per bundle, loaded at every cold start);
 * cold starts are already counted by the `ColdStart` metric below. See docs/performance.md.
 */
export function observability(serviceName: string): Observability {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ serviceName, namespace: METRICS_NAMESPACE, logger: metricsLogger(logger) });
  return {
    logger,
    metrics,
    middlewares: [
      injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj,
      logMetrics(metrics, { captureColdStartMetric: true }) as MiddlewareObj,
    ],
  };
}
