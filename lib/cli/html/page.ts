import type { Section, View } from '../../domain/reports/view.js';
import { escapeHtml } from '../output.js';

/** One chart on the page: an inline SVG with its heading and a sentence on how to read it. */
export interface PageChart {
  readonly title: string;
  readonly svg: string;
  readonly caption: string;
}

export interface PageInput {
  readonly view: View;
  /** When the page was made (the wall clock). */
  readonly generatedAt: string;
  /** The moment the page describes: the report's or scan's "now" (`--as-of`). */
  readonly asOf: string;
  /** Warnings shown above everything else (e.g. the last scan is older than the scan interval). */
  readonly warnings?: readonly string[];
  readonly charts: readonly PageChart[];
  /** Small headline numbers shown as cards above the charts. */
  readonly cards: readonly {
    readonly label: string;
    readonly value: string;
    readonly tone?: 'bad' | 'warn' | 'good';
  }[];
}

const STYLE = `
:root { color-scheme: light; --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
header { background:#0f172a; color:#f8fafc; padding:20px 32px; }
header h1 { margin:0; font-size:22px; font-weight:650; }
header p { margin:4px 0 0; color:#cbd5e1; }
main { padding:24px 32px 48px; max-width:1280px; margin:0 auto; }
.headline { font-size:16px; margin:0 0 16px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(170px,1fr)); gap:12px; margin-bottom:20px; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.card .value { font-size:26px; font-weight:700; }
.card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card.bad .value { color:#b91c1c; } .card.warn .value { color:#c2410c; } .card.good .value { color:#15803d; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(520px,1fr)); gap:16px; margin-bottom:24px; }
figure { margin:0; background:#fff; border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
figure h2 { margin:0 0 8px; font-size:15px; }
figcaption { color:var(--muted); font-size:12px; margin-top:6px; }
dl { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0 0 24px; }
dt { color:var(--muted); } dd { margin:0; }
section { margin-bottom:24px; }
section h2 { font-size:16px; margin:0 0 8px; }
.table-wrap { overflow-x:auto; background:#fff; border:1px solid var(--line); border-radius:10px; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f1f5f9; font-weight:600; white-space:nowrap; }
tr:last-child td { border-bottom:none; }
td.sev-critical { color:#b91c1c; font-weight:700; } td.sev-high { color:#c2410c; font-weight:600; }
.empty { color:var(--muted); font-style:italic; }
.warning { background:#fff7ed; border:1px solid #fdba74; color:#9a3412; border-radius:10px; padding:10px 14px; margin:0 0 16px; }
footer { color:var(--muted); font-size:12px; padding:0 32px 24px; }
@media print { .charts { grid-template-columns:1fr; } header { background:none; color:var(--ink); } }
`;

function table(section: Section): string {
  if (section.cells.length === 0) return `<p class="empty">${escapeHtml(section.empty)}</p>`;
  const sevColumn = section.headers.indexOf('severity');
  const head = section.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = section.cells
    .map(
      (row) =>
        `<tr>${row
          .map((c, i) => `<td${i === sevColumn ? ` class="sev-${escapeHtml(c)}"` : ''}>${escapeHtml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** One self-contained HTML page: inline CSS and SVG, no script, no external resource. */
export function renderPage(input: PageInput): string {
  const { view } = input;
  const cards = input.cards
    .map(
      (c) =>
        `<div class="card${c.tone ? ` ${c.tone}` : ''}"><div class="value">${escapeHtml(c.value)}</div><div class="label">${escapeHtml(c.label)}</div></div>`,
    )
    .join('');
  const charts = input.charts
    .map(
      (c) =>
        `<figure><h2>${escapeHtml(c.title)}</h2>${c.svg}<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`,
    )
    .join('\n');
  const warnings = (input.warnings ?? [])
    .map((w) => `<p class="warning" role="alert">${escapeHtml(w)}</p>\n`)
    .join('');
  const facts = view.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const sections = view.sections
    .map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${table(s)}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(view.title)} · nhi-gov</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(view.title)}</h1><p>nhi-gov · <span class="generated">generated ${escapeHtml(input.generatedAt)}</span> · <span class="as-of">as of ${escapeHtml(input.asOf)}</span></p></header>
<main>
${warnings}<p class="headline">${escapeHtml(view.headline)}</p>
${cards ? `<div class="cards">${cards}</div>` : ''}
${charts ? `<div class="charts">\n${charts}\n</div>` : ''}
${facts ? `<dl>${facts}</dl>` : ''}
${sections}
</main>
<footer>Generated by nhi-gov. This page is self-contained: it loads nothing from the network.</footer>
</body>
</html>
`;
}
