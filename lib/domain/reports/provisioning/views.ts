import { formatDuration, formatTime } from '../format.js';
import {
  type ChartSpec,
  countCard,
  type Grid,
  grid,
  PALETTE,
  type PageParts,
  plural,
  type ReportViews,
  section,
  type View,
} from '../view.js';
import type { ProvisioningReport } from './build.js';

/** The provisioning report laid out for people: headline, facts and tables (terminal and HTML). */
export function provisioningView(r: ProvisioningReport): View {
  const stat = {
    count: { header: 'count', value: (g: { count: number }) => g.count },
    failed: { header: 'failed', value: (g: { failed: number }) => g.failed },
    median: { header: 'median', value: (g: { medianMs: number | null }) => formatDuration(g.medianMs) },
    p95: { header: 'p95', value: (g: { p95Ms: number | null }) => formatDuration(g.p95Ms) },
    worst: { header: 'worst', value: (g: { worstMs: number | null }) => formatDuration(g.worstMs) },
  };
  const grant = r.byDirection.find((d) => d.direction === 'grant');
  const remove = r.byDirection.find((d) => d.direction === 'remove');
  return {
    title: 'Provisioning latency',
    headline:
      r.executions.length === 0
        ? 'No executions in the window.'
        : [
            grant
              ? `time to grant: median ${formatDuration(grant.medianMs)}, p95 ${formatDuration(grant.p95Ms)}`
              : undefined,
            remove
              ? `time to remove: median ${formatDuration(remove.medianMs)}, p95 ${formatDuration(remove.p95Ms)}`
              : undefined,
          ]
            .filter(Boolean)
            .join('; ')
            .concat('.')
            .replace(/^\.$/, `${plural(r.executions.length, 'execution')}.`),
    facts: [['window', `${formatTime(r.window.since)} → ${formatTime(r.window.until)}`]],
    sections: [
      section(
        'By direction',
        r.byDirection,
        [
          { header: 'direction', value: (g) => g.direction },
          stat.count,
          stat.failed,
          stat.median,
          stat.p95,
          stat.worst,
        ],
        'No executions.',
      ),
      section(
        'By kind',
        r.byKind,
        [
          { header: 'kind', value: (g) => g.kind },
          { header: 'direction', value: (g) => g.direction },
          stat.count,
          stat.failed,
          stat.median,
          stat.p95,
          stat.worst,
          { header: 'worst decision', value: (g) => g.worstDecisionId ?? '-' },
        ],
        'No executions.',
      ),
    ],
  };
}

export function provisioningLatency(r: ProvisioningReport): ChartSpec {
  return {
    title: 'Provisioning latency',
    kind: 'bar',
    chart: {
      label: 'Provisioning latency by kind',
      empty: 'No executions in the window',
      categories: r.byKind.map(
        (k) =>
          `${k.kind}\n${k.direction === 'grant' ? 'to grant' : k.direction === 'remove' ? 'to remove' : 'to rotate'}`,
      ),
      series: [
        { name: 'median', color: PALETTE.good, values: r.byKind.map((k) => k.medianMs) },
        { name: 'p95', color: PALETTE.medium, values: r.byKind.map((k) => k.p95Ms) },
        { name: 'worst', color: PALETTE.critical, values: r.byKind.map((k) => k.worstMs) },
      ],
      format: (v) => formatDuration(v),
      durationAxis: true,
    },
    caption: 'From approval to grant, and from revoke or expiry to removal, for executions that succeeded.',
  };
}

function provisioningDaily(r: ProvisioningReport): ChartSpec {
  const days = [...new Set(r.daily.map((d) => d.day))].sort();
  const line = (direction: string) =>
    days.map((day) => r.daily.find((d) => d.day === day && d.direction === direction)?.medianMs ?? null);
  return {
    title: 'Median latency per day',
    kind: 'line',
    chart: {
      label: 'Median provisioning latency per day',
      empty: 'No executions in the window',
      categories: days,
      series: [
        { name: 'time to grant', color: PALETTE.primary, values: line('grant') },
        { name: 'time to remove', color: PALETTE.tertiary, values: line('remove') },
      ],
      format: (v) => formatDuration(v),
      durationAxis: true,
    },
    caption: 'Median of the executions finished on each day.',
  };
}

/** The CSV of the provisioning report: its detail rows, full timestamps and raw numbers. */
export function provisioningCsv(r: ProvisioningReport): Grid {
  return grid(r.executions, [
    { header: 'decisionId', value: (e) => e.decisionId },
    { header: 'decisionVersion', value: (e) => e.decisionVersion },
    { header: 'kind', value: (e) => e.kind },
    { header: 'direction', value: (e) => e.direction },
    { header: 'status', value: (e) => e.status },
    { header: 'identityKey', value: (e) => e.identityKey },
    { header: 'decidedAt', value: (e) => e.decidedAt },
    { header: 'finishedAt', value: (e) => e.finishedAt },
    { header: 'latencyMs', value: (e) => e.latencyMs },
  ]);
}

/** The cards and charts of the provisioning page. */
export function provisioningPage(r: ProvisioningReport): PageParts {
  const grant = r.byDirection.find((d) => d.direction === 'grant');
  const remove = r.byDirection.find((d) => d.direction === 'remove');
  return {
    charts: [provisioningLatency(r), provisioningDaily(r)],
    cards: [
      { label: 'median time to grant', value: formatDuration(grant?.medianMs) },
      { label: 'p95 time to grant', value: formatDuration(grant?.p95Ms) },
      { label: 'median time to remove', value: formatDuration(remove?.medianMs) },
      { label: 'p95 time to remove', value: formatDuration(remove?.p95Ms) },
      countCard(
        'failed',
        r.byDirection.reduce((n, d) => n + d.failed, 0),
        'bad',
      ),
    ],
  };
}

export const PROVISIONING_VIEWS: ReportViews<ProvisioningReport> = {
  view: provisioningView,
  csv: provisioningCsv,
  page: provisioningPage,
};
