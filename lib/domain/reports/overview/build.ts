import type { ExceptionsReport } from '../exceptions/build.js';
import type { FindingsReport } from '../findings/build.js';
import type { ProvisioningReport } from '../provisioning/build.js';
import type { ReviewsReport } from '../reviews/build.js';
import type { ViolationsReport } from '../violations/build.js';

/**
 * Everything a security team looks at weekly, on one page: open findings and their trend, exception
 * age, provisioning latency, violations and (when the store has campaigns) review completion.
 */
export interface OverviewReport {
  readonly report: 'overview';
  /** The report's "now": its `--as-of`, or when it was made. */
  readonly asOf: string;
  readonly findings: FindingsReport;
  readonly exceptions: ExceptionsReport;
  readonly provisioning: ProvisioningReport;
  readonly violations: ViolationsReport;
  readonly reviews: ReviewsReport | null;
}

/** How many findings the overview lists one by one (and holds); the rest are a `report findings` away. */
export const TOP_FINDINGS = 10;
