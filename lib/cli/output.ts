import type { Column } from '../domain/reports/view.js';

export type { Column };

/** The one set of output formats; `ocsf` (JSON Lines of OCSF findings) only where the output is findings. */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'html', 'ocsf'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const cell = (v: string | number | undefined | null) => (v === undefined || v === null ? '' : String(v));

/** A plain, aligned text table for terminals. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r)).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n')}\n`;
}

/** RFC 4180 CSV with a header row; cells that start with = + - @ are quoted with a leading ' against formula injection. */
export function renderCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const quote = (raw: string) => {
    const v = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = [
    columns.map((c) => quote(c.header)),
    ...rows.map((r) => columns.map((c) => quote(cell(c.value(r))))),
  ];
  return `${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

/** Stable, pretty JSON with a trailing newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
