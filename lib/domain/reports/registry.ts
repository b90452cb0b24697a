import type { AuditReport } from './audit/build.js';
import { AUDIT_VIEWS } from './audit/views.js';
import type { ReportKind } from './common.js';
import type { DriftReport } from './drift/build.js';
import { DRIFT_VIEWS } from './drift/views.js';
import type { ExceptionsReport } from './exceptions/build.js';
import { EXCEPTIONS_VIEWS } from './exceptions/views.js';
import type { FindingsReport } from './findings/build.js';
import { FINDINGS_VIEWS } from './findings/views.js';
import type { OverviewReport } from './overview/build.js';
import { OVERVIEW_VIEWS } from './overview/views.js';
import type { ProvisioningReport } from './provisioning/build.js';
import { PROVISIONING_VIEWS } from './provisioning/views.js';
import type { ReviewsReport } from './reviews/build.js';
import { REVIEWS_VIEWS } from './reviews/views.js';
import type { ReportViews } from './view.js';
import type { ViolationsReport } from './violations/build.js';
import { VIOLATIONS_VIEWS } from './violations/views.js';

/** Every report the renderers know. */
export type AnyReport =
  | FindingsReport
  | DriftReport
  | ExceptionsReport
  | ReviewsReport
  | ProvisioningReport
  | ViolationsReport
  | AuditReport
  | OverviewReport;

/**
 * Each report's views, by kind: one folder per report (lib/domain/reports/<kind>/: query.ts, build.ts,
 * views.ts), and one line here. docs/architecture.md: adding a report.
 */
export const REPORT_VIEWS: { readonly [K in ReportKind]: ReportViews<Extract<AnyReport, { report: K }>> } = {
  findings: FINDINGS_VIEWS,
  drift: DRIFT_VIEWS,
  exceptions: EXCEPTIONS_VIEWS,
  reviews: REVIEWS_VIEWS,
  provisioning: PROVISIONING_VIEWS,
  violations: VIOLATIONS_VIEWS,
  audit: AUDIT_VIEWS,
  overview: OVERVIEW_VIEWS,
};

/** The views of this report's kind. */
export function viewsOf<R extends AnyReport>(report: R): ReportViews<R> {
  return REPORT_VIEWS[report.report] as unknown as ReportViews<R>;
}
