import { type AnyReport, viewsOf } from '../../domain/reports/registry.js';
import type { ChartSpec, PageParts, View } from '../../domain/reports/view.js';
import { barChart, lineChart } from './charts.js';
import { type PageChart, renderPage } from './page.js';

/** Draws a chart of a report's page as inline SVG. */
function drawChart(spec: ChartSpec): PageChart {
  return {
    title: spec.title,
    svg: spec.kind === 'bar' ? barChart(spec.chart) : lineChart(spec.chart),
    caption: spec.caption,
  };
}

/**
 * One HTML page from a view and its parts: the same page for every report and for `nhi-gov scan`. The
 * header says both when the page was generated and the moment it describes (`asOf`).
 */
export function renderViewPage(view: View, parts: PageParts, generatedAt: Date, asOf: string): string {
  return renderPage({
    view,
    generatedAt: generatedAt.toISOString(),
    asOf,
    warnings: parts.warnings ?? [],
    cards: parts.cards,
    charts: parts.charts.map(drawChart),
  });
}

/**
 * The HTML page of a report: headline, cards, charts and the report's tables, in one file. The header
 * says both when the page was generated and the moment it describes (the report's `--as-of`).
 */
export function renderHtmlReport(report: AnyReport, generatedAt: Date = new Date()): string {
  const views = viewsOf(report);
  return renderViewPage(views.view(report), views.page(report), generatedAt, report.asOf);
}
