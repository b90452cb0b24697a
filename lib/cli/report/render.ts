import { type AnyReport, viewsOf } from '../../domain/reports/registry.js';
import type { Grid, View } from '../../domain/reports/view.js';
import { renderHtmlReport } from '../html/report-page.js';
import { UsageError } from '../io.js';
import { renderOcsf } from '../ocsf.js';
import { type Column, type OutputFormat, renderCsv, renderJson, renderTable } from '../output.js';

/** Columns that read a grid's cells by position, so the shared renderers in output.ts draw grids too. */
function gridColumns(g: Grid): Column<readonly string[]>[] {
  return g.headers.map((header, i) => ({ header, value: (row) => row[i] }));
}

/** A grid as CSV: the header line, then one line per row. */
export function renderGridCsv(g: Grid): string {
  return renderCsv(g.cells, gridColumns(g));
}

/** The terminal rendering: title, headline, facts, then each table (or what it would say when empty). */
export function renderText(view: View): string {
  const out: string[] = [view.title, '='.repeat(view.title.length), view.headline, ''];
  if (view.facts.length > 0) {
    const width = Math.max(...view.facts.map(([k]) => k.length));
    for (const [k, v] of view.facts) out.push(`  ${`${k}:`.padEnd(width + 2)}${v}`);
    out.push('');
  }
  for (const s of view.sections) {
    out.push(s.title, '-'.repeat(s.title.length));
    out.push(s.cells.length === 0 ? s.empty : renderTable(s.cells, gridColumns(s)).trimEnd());
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * A report's JSON: `report`, then `generatedAt` (when this output was made: the wall clock) and `asOf`
 * (the report's "now": its `--as-of`, or the same instant without one), then its fields. The overview's
 * reports carry the same two.
 */
export function reportJson(report: AnyReport, generatedAt: Date): Record<string, unknown> {
  const stamp = <R extends { report: string; asOf: string }>(r: R) => {
    const { report: kind, asOf, ...fields } = r;
    return { report: kind, generatedAt: generatedAt.toISOString(), asOf, ...fields };
  };
  if (report.report !== 'overview') return stamp(report);
  const { findings, exceptions, provisioning, violations, reviews } = report;
  return {
    ...stamp(report),
    findings: stamp(findings),
    exceptions: stamp(exceptions),
    provisioning: stamp(provisioning),
    violations: stamp(violations),
    reviews: reviews ? stamp(reviews) : null,
  };
}

/**
 * Renders a report in one of the output formats (OCSF: the findings report only).
 * @throws UsageError for `csv` of the overview, which has no single list of rows.
 */
export function renderReport(
  report: AnyReport,
  format: OutputFormat,
  generatedAt: Date = new Date(),
): string {
  switch (format) {
    case 'json':
      return renderJson(reportJson(report, generatedAt));
    case 'csv': {
      const csv = viewsOf(report).csv;
      if (!csv)
        throw new UsageError(`the ${report.report} report has no CSV form; use --format table, json or html`);
      return renderGridCsv(csv(report));
    }
    case 'html':
      return renderHtmlReport(report, generatedAt);
    case 'table':
      return renderText(viewsOf(report).view(report));
    case 'ocsf':
      if (report.report !== 'findings') {
        throw new UsageError(
          `the ${report.report} report has no OCSF form; use --format table, json, csv or html`,
        );
      }
      return renderOcsf(report.findings, process.env.npm_package_version ?? '0.1.0');
  }
}
