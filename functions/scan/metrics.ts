import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScanSummary } from './build-handler.js';

/**
 * The scan's CloudWatch metrics (namespace NhiGov): totals, open findings per `type` dimension, and
 * review coverage. The dashboard (infra/constructs/observability.ts DASHBOARD_METRICS) graphs them.
 */
export function emitScanMetrics(metrics: Metrics, summary: ScanSummary): void {
  metrics.addMetric('OpenFindings', MetricUnit.Count, summary.open);
  metrics.addMetric('ResolvedFindings', MetricUnit.Count, summary.resolved);
  // What the scan cost in writes: an unchanged account writes (almost) nothing.
  metrics.addMetric('FindingsWritten', MetricUnit.Count, summary.written);
  metrics.addMetric('RevokesRequested', MetricUnit.Count, summary.revokesRequested);
  metrics.addMetric('RevokesFailed', MetricUnit.Count, summary.revokesFailed);
  metrics.addMetric('ReviewsCompleted', MetricUnit.Count, summary.reviews.reviewed);
  metrics.addMetric('ReviewsDue', MetricUnit.Count, summary.reviews.inScope);
  metrics.addMetric('ReviewsOverdue', MetricUnit.Count, summary.reviews.overdue);
  for (const [type, count] of Object.entries(summary.openByType)) {
    // One EMF document per type: a dimension applies to a whole document.
    const single = metrics.singleMetric();
    single.addDimension('type', type);
    single.addMetric('OpenFindings', MetricUnit.Count, count ?? 0);
  }
}
