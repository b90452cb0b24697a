import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barChart, durationScale, lineChart, niceScale } from '../../../lib/cli/html/charts.js';
import { renderHtmlReport } from '../../../lib/cli/html/report-page.js';
import { renderReport } from '../../../lib/cli/report/render.js';
import { buildFindingsReport } from '../../../lib/domain/reports/findings/build.js';
import { formatDuration } from '../../../lib/domain/reports/format.js';
import { aFinding } from '../../support/builders.js';

const now = new Date('2026-03-01T12:00:00.000Z');
const window = { since: '2026-02-27T00:00:00.000Z', until: now.toISOString() };

function findingsWith(title: string, owner?: string) {
  return buildFindingsReport({
    now,
    window,
    scope: { status: 'open', owner: null, type: null, minSeverity: null },
    findings: [aFinding({ title, owner, firstSeen: '2026-02-28T00:00:00.000Z' })],
    // Scans ran on the first and the last day of the window, not on the day between.
    snapshots: [scanDay('2026-02-27'), scanDay('2026-03-01')],
    lastScan: {
      accountId: '111122223333',
      asOf: '2026-03-01T06:00:00.000Z',
      ranAt: '2026-03-01T06:01:00.000Z',
      source: 'snapshot',
    },
  });
}

function scanDay(day: string) {
  return { day, total: 1, critical: 0, high: 0, medium: 1, low: 0, info: 0 };
}

describe('HTML report', () => {
  it('escapes what the data says, so a finding cannot inject markup into the page', () => {
    const html = renderHtmlReport(findingsWith('<img src=x onerror=alert(1)> & "quotes"', '<b>team</b>'));

    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>team</b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
  });

  it('loads nothing: no script, stylesheet link, image source or URL, and a CSP that forbids them', () => {
    const html = renderHtmlReport(findingsWith('role not used in 90 days'));

    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    // The only URLs are SVG namespace names, which browsers never fetch.
    expect(html.match(/https?:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('draws a point only on the days a scan ran, no line across a day without one, and a bar per severity', () => {
    const html = renderHtmlReport(findingsWith('role not used in 90 days'));

    expect(html.match(/<circle /g)).toHaveLength(2 * 2); // 2 days with a scan, 2 series
    expect(html).not.toContain('<title>2026-02-28 ·');
    expect(html).not.toContain('<polyline'); // the two scans are not neighbours: nothing joins them
    expect(html).toContain('<title>2026-03-01 · all open: 1</title>');
    expect(html).toContain('<title>medium · findings: 1</title>');
  });
});

describe('charts', () => {
  it('say "No data yet" instead of drawing an empty axis', () => {
    expect(barChart({ label: 'x', categories: [], series: [] })).toContain('No data yet');
    expect(
      lineChart({
        label: 'x',
        categories: ['2026-03-01'],
        series: [{ name: 'a', color: '#000', values: [null] }],
      }),
    ).toContain('No data yet');
  });

  it('scale counts in whole steps and durations in round units', () => {
    expect(niceScale(2, { integer: true })).toEqual({ max: 2, step: 1 });
    expect(niceScale(0.3)).toEqual({ max: 0.3, step: 0.1 });
    expect(niceScale(97, { integer: true })).toEqual({ max: 100, step: 20 });
    expect(durationScale(300_000)).toEqual({ max: 300_000, step: 60_000 });
    expect(durationScale(45_000)).toEqual({ max: 50_000, step: 10_000 });
  });

  it('write a bar value only where it fits, and always in the tooltip', () => {
    const svg = barChart({
      label: 'latency',
      categories: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      series: ['median', 'p95', 'worst'].map((name) => ({
        name,
        color: '#000',
        values: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => n * 61_000),
      })),
      format: formatDuration,
      durationAxis: true,
    });

    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(24);
    expect(svg).toContain('<title>h · worst: 8m 08s</title>');
    expect(svg).not.toMatch(/>8m 08s<\/text>/);
  });
});

describe('text, CSV and JSON renderings', () => {
  it('neutralises spreadsheet formulas in CSV cells', () => {
    const csv = renderReport(findingsWith('=HYPERLINK("http://evil")'), 'csv');

    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('formats durations the way people say them', () => {
    expect(
      [0, 850, 42_000, 185_000, 300_000, 7_800_000, 3 * 86_400_000 + 3_600_000].map(formatDuration),
    ).toEqual(['0s', '850ms', '42s', '3m 05s', '5m', '2h 10m', '3d 1h']);
    expect(formatDuration(null)).toBe('-');
  });

  it('keeps JSON keys in a stable order with nulls for unknown values', () => {
    const json = JSON.parse(renderReport(findingsWith('x', undefined), 'json'));

    expect(json.findings[0].owner).toBeNull();
    expect(json.byOwner).toEqual([]);
    expect(json.withoutOwner).toBe(1);
  });
});

describe('index-only reads', () => {
  /** Every TypeScript file under a directory. */
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  }

  it('no code in the report path or the DynamoDB adapters can scan a table', () => {
    const files = [
      ...sources('lib/domain/reports'),
      ...sources('lib/cli'),
      ...sources('lib/adapters/dynamodb'),
    ];

    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      expect({ file, scans: /\b(ScanCommand|paginateScan)\b/.test(readFileSync(file, 'utf8')) }).toEqual({
        file,
        scans: false,
      });
    }
  });
});
