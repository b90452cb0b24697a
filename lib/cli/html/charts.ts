import { type ChartOptions, PALETTE, type Series } from '../../domain/reports/view.js';
import { escapeHtml } from '../output.js';

export { type ChartOptions, PALETTE };

/**
 * Charts as inline SVG, drawn here rather than in the browser: the page needs no script, no CDN and no
 * network, renders the same in every browser and in a headless screenshot, and still shows its numbers
 * when printed. Each mark has a <title>, so hovering shows the exact value.
 */

const MARGIN = { top: 16, right: 16, bottom: 48, left: 64 };
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

const round = (n: number) => Math.round(n * 10) / 10;

/** A "nice" upper bound and tick step for an axis from 0 to `max`; counts step by whole numbers. */
export function niceScale(
  max: number,
  options: { ticks?: number; integer?: boolean } = {},
): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 1 };
  const raw = max / (options.ticks ?? 5);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  if (options.integer) step = Math.max(1, Math.ceil(step));
  // toPrecision drops binary noise such as 0.30000000000000004 from the axis labels.
  return { max: Number((Math.ceil(max / step) * step).toPrecision(12)), step: Number(step.toPrecision(12)) };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DURATION_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
  48 * HOUR,
  7 * 24 * HOUR,
];

/** An axis of durations (ms) that steps in round units: 30 s, 1 min, 5 min, 1 h, 1 day... */
export function durationScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: SECOND, step: SECOND };
  const raw = max / ticks;
  const step = DURATION_STEPS.find((d) => d >= raw) ?? Math.ceil(raw / (7 * 24 * HOUR)) * 7 * 24 * HOUR;
  return { max: Math.ceil(max / step) * step, step };
}

function scaleFor(options: ChartOptions, values: readonly number[]): { max: number; step: number } {
  const max = Math.max(...values);
  if (options.durationAxis) return durationScale(max);
  return niceScale(max, { integer: values.every((v) => Number.isInteger(v)) });
}

/** Writes a category label, one line per `\n`, centred at x. */
function categoryLabel(x: number, y: number, label: string): string {
  const lines = label.split('\n').map((l) => (l.length > 20 ? `${l.slice(0, 19)}…` : l));
  const spans = lines
    .map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 14}">${escapeHtml(l)}</tspan>`)
    .join('');
  return `<text x="${x}" y="${y}" text-anchor="middle" fill="#334155">${spans}</text>`;
}

function frame(width: number, height: number, label: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(label)}" ${FONT} font-size="12">${body}</svg>`;
}

function emptyChart(width: number, height: number, label: string, text = 'No data yet'): string {
  return frame(
    width,
    height,
    label,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="8" fill="none" stroke="#e2e8f0"/>` +
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#64748b" font-size="14">${escapeHtml(text)}</text>`,
  );
}

function yAxis(
  plotTop: number,
  plotHeight: number,
  plotLeft: number,
  plotRight: number,
  scale: { max: number; step: number },
  format: (v: number) => string,
): string {
  const parts: string[] = [];
  for (let v = 0; v <= scale.max + scale.step / 1000; v += scale.step) {
    const y = round(plotTop + plotHeight - (v / scale.max) * plotHeight);
    parts.push(
      `<line x1="${plotLeft}" x2="${plotRight}" y1="${y}" y2="${y}" stroke="#e2e8f0"/>`,
      `<text x="${plotLeft - 8}" y="${y + 4}" text-anchor="end" fill="#475569">${escapeHtml(format(v))}</text>`,
    );
  }
  return parts.join('');
}

function legend(series: readonly Series[], x: number, y: number): string {
  let cursor = x;
  return series
    .map((s) => {
      const item = `<rect x="${cursor}" y="${y - 9}" width="10" height="10" rx="2" fill="${s.color}"/><text x="${cursor + 14}" y="${y}" fill="#334155">${escapeHtml(s.name)}</text>`;
      cursor += 24 + s.name.length * 7;
      return item;
    })
    .join('');
}

/** Shows every n-th category label so they do not overlap. */
function labelEvery(count: number, plotWidth: number, labelWidth: number): number {
  return Math.max(1, Math.ceil((count * labelWidth) / plotWidth));
}

/** Grouped vertical bars: one group per category, one bar per series, each labelled with its value. */
export function barChart(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 280;
  const format = options.format ?? ((v: number) => String(round(v)));
  const values = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  // Bars of nothing but zeros say less than a sentence does.
  if (options.categories.length === 0 || values.every((v) => v === 0)) {
    return emptyChart(width, height, options.label, options.empty);
  }

  const plotLeft = MARGIN.left;
  const plotRight = width - MARGIN.right;
  const plotTop = MARGIN.top + (options.series.length > 1 ? 16 : 0);
  const plotHeight = height - plotTop - MARGIN.bottom;
  const scale = scaleFor(options, values);
  const groupWidth = (plotRight - plotLeft) / options.categories.length;
  const barWidth = Math.min(48, (groupWidth * 0.8) / options.series.length);
  const every = labelEvery(options.categories.length, plotRight - plotLeft, 80);

  const parts = [yAxis(plotTop, plotHeight, plotLeft, plotRight, scale, format)];
  options.categories.forEach((category, ci) => {
    const groupLeft = plotLeft + ci * groupWidth + (groupWidth - barWidth * options.series.length) / 2;
    options.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined) return;
      const h = (v / scale.max) * plotHeight;
      const x = round(groupLeft + si * barWidth);
      const y = round(plotTop + plotHeight - h);
      parts.push(
        `<rect x="${x + 1}" y="${y}" width="${round(barWidth - 2)}" height="${round(Math.max(h, v > 0 ? 1 : 0))}" rx="2" fill="${s.colors?.[ci] ?? s.color}"><title>${escapeHtml(`${category.replace(/\n/g, ' ')} · ${s.name}: ${format(v)}`)}</title></rect>`,
      );
      // A value is written on its bar only when it fits; the tooltip always has it.
      const label = format(v);
      if (v !== 0 && label.length * 7 <= barWidth - 2) {
        parts.push(
          `<text x="${round(x + barWidth / 2)}" y="${y - 4}" text-anchor="middle" fill="#0f172a" font-size="11">${escapeHtml(label)}</text>`,
        );
      }
    });
    if (ci % every === 0) {
      parts.push(
        categoryLabel(
          round(plotLeft + ci * groupWidth + groupWidth / 2),
          plotTop + plotHeight + 18,
          category,
        ),
      );
    }
  });
  parts.push(
    `<line x1="${plotLeft}" x2="${plotRight}" y1="${plotTop + plotHeight}" y2="${plotTop + plotHeight}" stroke="#94a3b8"/>`,
  );
  if (options.series.length > 1) parts.push(legend(options.series, plotLeft, MARGIN.top));
  return frame(width, height, options.label, parts.join(''));
}

/** Lines over categories (days): one line per series, a dot per value, the last value labelled. */
export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 280;
  const format = options.format ?? ((v: number) => String(round(v)));
  const values = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (options.categories.length === 0 || values.length === 0) {
    return emptyChart(width, height, options.label, options.empty);
  }

  const plotLeft = MARGIN.left;
  // Room on the right for the last value's label.
  const plotRight = width - MARGIN.right - 44;
  const plotTop = MARGIN.top + 16;
  const plotHeight = height - plotTop - MARGIN.bottom;
  const scale = scaleFor(options, values);
  const n = options.categories.length;
  const xOf = (i: number) =>
    round(n === 1 ? (plotLeft + plotRight) / 2 : plotLeft + (i / (n - 1)) * (plotRight - plotLeft));
  const yOf = (v: number) => round(plotTop + plotHeight - (v / scale.max) * plotHeight);
  const every = labelEvery(n, plotRight - plotLeft, 84);

  const parts = [yAxis(plotTop, plotHeight, plotLeft, plotRight, scale, format)];
  options.categories.forEach((c, i) => {
    if (i % every === 0 || i === n - 1) {
      parts.push(
        `<text x="${xOf(i)}" y="${plotTop + plotHeight + 18}" text-anchor="middle" fill="#334155">${escapeHtml(c)}</text>`,
      );
    }
  });
  for (const s of options.series) {
    const points = s.values
      .map((v, i) => (v === null ? null : ([xOf(i), yOf(v), v, i] as const)))
      .filter((p): p is readonly [number, number, number, number] => p !== null);
    if (points.length === 0) continue;
    const last = points.at(-1) as readonly [number, number, number, number];
    // With breakOnGaps, runs of consecutive values are drawn apart: a missing value is no data, not a line.
    const runs: (typeof points)[] = [];
    for (const p of points) {
      const run = runs.at(-1);
      const previous = run?.at(-1);
      if (run && previous && (!options.breakOnGaps || previous[3] === p[3] - 1)) run.push(p);
      else runs.push([p]);
    }
    for (const run of runs.filter((r) => r.length > 1)) {
      const start = run[0] as (typeof points)[number];
      const end = run.at(-1) as (typeof points)[number];
      // A light area under the first series makes the trend readable at a glance.
      if (s === options.series[0]) {
        parts.push(
          `<path d="M${start[0]},${plotTop + plotHeight} ${run.map((p) => `L${p[0]},${p[1]}`).join(' ')} L${end[0]},${plotTop + plotHeight} Z" fill="${s.color}" opacity="0.12"/>`,
        );
      }
      parts.push(
        `<polyline points="${run.map((p) => `${p[0]},${p[1]}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.5" stroke-linejoin="round"/>`,
      );
    }
    for (const [x, y, v, i] of points) {
      parts.push(
        `<circle cx="${x}" cy="${y}" r="${n > 60 ? 1.5 : 3}" fill="${s.color}"><title>${escapeHtml(`${options.categories[i]} · ${s.name}: ${format(v)}`)}</title></circle>`,
      );
    }
    parts.push(
      `<text x="${last[0] + 6}" y="${last[1] + 4}" fill="${s.color}" font-weight="600">${escapeHtml(format(last[2]))}</text>`,
    );
  }
  parts.push(
    `<line x1="${plotLeft}" x2="${plotRight}" y1="${plotTop + plotHeight}" y2="${plotTop + plotHeight}" stroke="#94a3b8"/>`,
  );
  parts.push(legend(options.series, plotLeft, MARGIN.top));
  return frame(width, height, options.label, parts.join(''));
}
