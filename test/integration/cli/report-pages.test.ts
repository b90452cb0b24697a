import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { localCliEnv, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

// The pages a security lead reads, checked on the rendered HTML after `npm start`'s scan
// (the example account, --as-of 2026-03-01): #17 points 1, 2, 3 and 5.
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const SCANNED_AS_OF = '2026-03-01T00:00:00.000Z';

const env = localCliEnv('pages');
const cwd = tempDir('nhi-gov-pages-');

const cli = (now: string, ...argv: string[]) => runCli(argv, { env, cwd, now });

/** The number on the card with this label. */
function card(html: string, label: string): number {
  const m = new RegExp(`<div class="value">([^<]*)</div><div class="label">${label}</div>`).exec(html);
  if (!m) throw new Error(`no card ${label}`);
  return Number(m[1]);
}

/** The bars' values of a chart, by category. */
function bars(html: string, series: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of html.matchAll(new RegExp(`<title>([^<]+) · ${series}: (\\d+)</title></rect>`, 'g'))) {
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** The SVG figure with this heading. */
function figure(html: string, title: string): string {
  const start = html.indexOf(`<figure><h2>${title}</h2>`);
  if (start < 0) throw new Error(`no figure ${title}`);
  return html.slice(start, html.indexOf('</figure>', start));
}

beforeAll(async () => {
  const scan = await cli(
    '2026-03-01T00:00:00Z',
    'scan',
    '--gaad',
    `${EXAMPLES}acme-gaad.json`,
    '--credential-report',
    `${EXAMPLES}acme-credential-report.csv`,
    '--as-of',
    SCANNED_AS_OF,
  );
  expect(scan.code).toBe(0);
});

describe('report pages that never mislead', () => {
  it.each([
    ['months after the scan, with the default window', '2026-06-01T00:00:00Z', []],
    ['as of the scan', '2026-06-01T00:00:00Z', ['--as-of', SCANNED_AS_OF]],
  ])(
    'shows one violations number on the card, the headline and the chart (%s) (#17.1)',
    async (_c, now, extra) => {
      // Act
      const r = await cli(now, 'report', 'overview', '--format', 'html', ...extra);

      // Assert: the open unapproved access counts whatever the window is, the same everywhere.
      expect(r.code).toBe(0);
      const chart = bars(r.stdout, 'count');
      const total = Object.values(chart).reduce((a, b) => a + b, 0);
      expect(chart['unapproved access']).toBeGreaterThan(0);
      expect(card(r.stdout, 'violations')).toBe(total);
      expect(r.stdout).not.toContain('No violations');
      expect(r.stdout).toContain(`${total} violation`);
    },
  );

  it('draws the trend only on days a scan ran, says when it ran and warns that it is old (#17.2)', async () => {
    // Act: nine days after the only scan.
    const r = await cli('2026-03-10T00:00:00Z', 'report', 'overview', '--format', 'html');

    // Assert
    expect(r.code).toBe(0);
    const trend = figure(r.stdout, 'Findings over time');
    const points = [...trend.matchAll(/<title>(\d{4}-\d{2}-\d{2}) · /g)].map((m) => m[1]);
    expect(points).toEqual(['2026-03-01', '2026-03-01']); // one day, two series
    expect(trend).not.toContain('<polyline');
    expect(r.stdout).toContain('last scan');
    expect(r.stdout).toMatch(
      /<p class="warning" role="alert">The last scan ran 2026-03-01 00:00Z, more than the scan interval \(24h\) ago/,
    );

    const fresh = await cli('2026-03-01T06:00:00Z', 'report', 'overview', '--format', 'html');
    expect(fresh.stdout).not.toContain('class="warning"');
    const terminal = await cli('2026-03-10T00:00:00Z', 'report', 'findings');
    expect(terminal.stdout).toMatch(
      /WARNING: +The last scan ran 2026-03-01 00:00Z, more than the scan interval/,
    );
  });

  it('says when the page was generated and which moment it describes (#17.3)', async () => {
    const r = await cli(
      '2026-06-01T09:30:00Z',
      'report',
      'findings',
      '--format',
      'html',
      '--as-of',
      SCANNED_AS_OF,
    );

    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<span class="generated">generated 2026-06-01T09:30:00.000Z</span>');
    expect(r.stdout).toContain(`<span class="as-of">as of ${SCANNED_AS_OF}</span>`);
  });

  it('lets a reader reach the individual findings from the overview, worst and oldest first (#17.5)', async () => {
    const html = await cli('2026-03-02T00:00:00Z', 'report', 'overview', '--format', 'html');
    const table = await cli('2026-03-02T00:00:00Z', 'report', 'overview');
    const findings = JSON.parse(
      (await cli('2026-03-02T00:00:00Z', 'report', 'findings', '--format', 'json')).stdout,
    ).findings as { identityKey: string; severity: string }[];

    for (const page of [html.stdout, table.stdout]) {
      expect(page).toContain('Top findings');
      expect(page).toContain('nhi-gov report findings');
      for (const f of findings.slice(0, 10)) expect(page).toContain(f.identityKey);
    }
    expect(findings[0]?.severity).toBe('high');
  });
});
