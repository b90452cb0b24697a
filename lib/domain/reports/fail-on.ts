import type { Severity } from '../primitives.js';
import type { AuditReport } from './audit/build.js';
import type { FindingRow } from './common.js';
import type { DriftReport } from './drift/build.js';
import type { FindingsReport } from './findings/build.js';
import type { OverviewReport } from './overview/build.js';
import type { ViolationsReport } from './violations/build.js';

/** Reports that can fail a CI gate with `--fail-on <severity>`. */
export type GateableReport = FindingsReport | DriftReport | ViolationsReport | AuditReport | OverviewReport;

const open = (rows: readonly FindingRow[]) => rows.filter((f) => f.status === 'open').map((f) => f.severity);

/**
 * The severities a report holds for `--fail-on`: its open findings (resolved and suppressed ones never
 * fail a gate), and for drift, every IAM change without an approved decision, which counts as critical.
 */
export function gateSeverities(report: GateableReport): Severity[] {
  switch (report.report) {
    case 'findings':
    case 'violations':
    case 'audit':
      return open(report.findings);
    case 'drift':
      return [
        ...open(report.unapproved),
        ...open(report.changedDocuments),
        ...report.changes.filter((c) => c.verdict !== 'approved').map((): Severity => 'critical'),
      ];
    case 'overview':
      return [...open(report.findings.findings), ...open(report.violations.findings)];
  }
}
