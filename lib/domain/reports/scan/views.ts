import type { Finding } from '../../finding.js';
import { projectFinding } from '../../finding-projection.js';
import type { Severity } from '../../primitives.js';
import type { ScanResult } from '../../scanning/run-scan.js';
import { FINDING_CSV_COLUMNS } from '../finding-columns.js';
import { type Column, type Grid, grid, PALETTE, type PageParts, type View } from '../view.js';

/**
 * The views of a scan's result, drawn by the same renderers as the reports (lib/cli/report/render.ts
 * for CSV, lib/cli/html/report-page.ts for HTML): the CSV is the findings report's, one line per
 * finding with the one projection; the page is the reports' page.
 */

const count = (values: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** Counts of what the scan saw: open, suppressed, resolved, open by type and severity. */
export function summaryOf(result: ScanResult) {
  const open = result.findings.filter((f) => f.status === 'open');
  return {
    open: open.length,
    suppressed: result.findings.length - open.length,
    resolved: result.resolved.length,
    openByType: count(open.map((f) => f.type)),
    openBySeverity: count(open.map((f) => f.severity)),
  };
}

/** The lines that open the scan's table and page. */
export function scanHeadline(result: ScanResult): string {
  const s = summaryOf(result);
  const i = result.identities;
  return (
    `Scanned ${result.inventory.roles} roles and ${result.inventory.users} users as of ${result.asOf} in account ${result.accountId} ` +
    `(${i.nhi} NHIs, ${i['aws-managed']} AWS-managed, ${i.human} human, ${i.unknown} unclassified; ` +
    `${i.managed} under ${result.policy.managedPath}).\n` +
    `${s.open} open, ${s.suppressed} suppressed, ${s.resolved} resolved since the last scan.` +
    (result.mode.kind === 'read-only' ? `\nRead-only: ${result.mode.reason}.` : '')
  );
}

/** The scan's CSV: the findings it saw (open and suppressed), with the reports' finding columns. */
export function scanCsv(result: ScanResult): Grid {
  const asOf = new Date(result.asOf);
  return grid(
    result.findings.map((f) => projectFinding(f, asOf)),
    FINDING_CSV_COLUMNS,
  );
}

/** Evidence as a reader scans it: `key: value` pairs, not a JSON blob. */
function evidenceText(evidence: Readonly<Record<string, unknown>>): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

const SCAN_SECTION_COLUMNS: readonly Column<Finding>[] = [
  { header: 'severity', value: (f) => f.severity },
  { header: 'type', value: (f) => f.type },
  { header: 'identity', value: (f) => f.identityKey },
  { header: 'status', value: (f) => (f.suppressedBy ? `suppressed (${f.suppressedBy})` : f.status) },
  { header: 'owner', value: (f) => f.owner ?? '-' },
  { header: 'what', value: (f) => f.title },
  { header: 'evidence', value: (f) => evidenceText(f.evidence) },
  {
    header: 'OWASP NHI / NIST CSF',
    value: (f) => [...f.frameworks.owaspNhi, ...f.frameworks.nistCsf].join(', '),
  },
];

/** The scan laid out as a report's view: headline, facts and the findings' tables. */
/** The scan report laid out for people: headline, facts and tables (terminal and HTML). */
export function scanView(result: ScanResult): View {
  return {
    title: 'nhi-gov scan',
    headline: scanHeadline(result).replace('\n', ' '),
    facts: [
      ['as of', result.asOf],
      ['snapshot', `${result.inventory.origin} (collected ${result.inventory.collectedAt})`],
      ['policy', `${result.policy.name} ${result.policy.version.slice(0, 19)}`],
      ['more', 'nhi-gov report findings (filters, trend), nhi-gov report overview --format html'],
    ],
    sections: [
      { title: 'Findings', empty: 'No findings.', ...grid(result.findings, SCAN_SECTION_COLUMNS) },
      {
        title: 'Resolved by this scan',
        empty: 'Nothing resolved.',
        ...grid(result.resolved, SCAN_SECTION_COLUMNS),
      },
    ],
  };
}

/** The cards and the severity chart of the scan's page. */
export function scanPage(result: ScanResult): PageParts {
  const s = summaryOf(result);
  const sev = (v: Severity) => s.openBySeverity[v] ?? 0;
  const order = ['critical', 'high', 'medium', 'low', 'info'] as const;
  return {
    cards: [
      { label: 'open findings', value: String(s.open), ...(s.open > 0 ? { tone: 'warn' as const } : {}) },
      {
        label: 'critical',
        value: String(sev('critical')),
        ...(sev('critical') > 0 ? { tone: 'bad' as const } : {}),
      },
      { label: 'high', value: String(sev('high')), ...(sev('high') > 0 ? { tone: 'bad' as const } : {}) },
      { label: 'suppressed', value: String(s.suppressed) },
      { label: 'resolved by this scan', value: String(s.resolved) },
    ],
    charts: [
      {
        title: 'Open findings by severity',
        kind: 'bar',
        chart: {
          label: 'Open findings by severity',
          empty: 'No open findings',
          categories: [...order],
          series: [
            {
              name: 'open',
              color: PALETTE.high,
              values: order.map(sev),
              colors: order.map((o) => PALETTE[o]),
            },
          ],
        },
        caption: 'Open findings this scan saw, by severity.',
      },
    ],
  };
}
