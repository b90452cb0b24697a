import { DynamoCampaignStore } from '../../adapters/dynamodb/campaign-store.js';
import { DynamoScanLog } from '../../adapters/dynamodb/scan-log.js';
import type { ReportSources } from '../../domain/reports/sources.js';
import type { Stores } from '../local-store.js';

type MetricsReader = NonNullable<ReportSources['metrics']>;

/** What the reports read, over the stores of the embedded or the deployed tables. */
export function reportSources(stores: Stores): ReportSources {
  // The daily snapshots and the scan log sit in the findings table; a store without snapshots has no trend.
  const metrics = stores.findings as Partial<MetricsReader>;
  return {
    decisions: stores.decisions,
    executions: stores.executions,
    findings: stores.findings,
    campaigns: new DynamoCampaignStore(stores.doc, stores.names.decisions),
    scans: new DynamoScanLog(stores.doc, stores.names.findings),
    ...(typeof metrics.listMetrics === 'function' ? { metrics: metrics as MetricsReader } : {}),
  };
}
