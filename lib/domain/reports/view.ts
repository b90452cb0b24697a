/**
 * How a report is laid out for people, as data: a View (headline, facts, tables) for the terminal and
 * the HTML page, a Grid for CSV, and the charts and cards of the HTML page. The renderers in lib/cli
 * turn these into text, CSV and HTML; each report's folder says what goes in them (its views.ts).
 */

/** A column of tabular output: its heading and how to read a row's cell. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | undefined | null;
}

/** Rows already turned into text cells, so the terminal, CSV and HTML renderings share one layout. */
export interface Grid {
  readonly headers: readonly string[];
  readonly cells: readonly (readonly string[])[];
}

export interface Section extends Grid {
  readonly title: string;
  /** What to say instead of an empty table. */
  readonly empty: string;
}

/** A report laid out for people: a headline, a few facts, and tables. */
export interface View {
  readonly title: string;
  readonly headline: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly sections: readonly Section[];
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** Turns rows into a grid of text cells with the given columns. */
export function grid<T>(rows: readonly T[], columns: readonly Column<T>[]): Grid {
  return {
    headers: columns.map((c) => c.header),
    cells: rows.map((r) => columns.map((c) => text(c.value(r)))),
  };
}

/** A titled table of rows, with what to say when it is empty. */
export function section<T>(
  title: string,
  rows: readonly T[],
  columns: readonly Column<T>[],
  empty: string,
): Section {
  return { title, empty, ...grid(rows, columns) };
}

/** `1 finding`, `2 findings`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** A colour per category (e.g. by severity), instead of `color`. */
  readonly colors?: readonly string[];
}

export interface ChartOptions {
  /** Accessible name of the chart (aria-label). */
  readonly label: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  /** How a value is written on labels and the axis (default: the number). */
  readonly format?: (value: number) => string;
  /** Values are durations in milliseconds: the axis steps in whole seconds, minutes, hours or days. */
  readonly durationAxis?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** What to say when there is nothing to draw (every value missing or zero). */
  readonly empty?: string;
  /** Lines: a missing value breaks the line instead of joining its neighbours (no data, no line). */
  readonly breakOnGaps?: boolean;
}

export const PALETTE = {
  critical: '#b91c1c',
  high: '#ea580c',
  medium: '#ca8a04',
  low: '#2563eb',
  info: '#64748b',
  primary: '#4f46e5',
  secondary: '#0891b2',
  tertiary: '#9333ea',
  good: '#16a34a',
  muted: '#94a3b8',
} as const;

/** One chart of a page, as data: the HTML renderer draws it as inline SVG. */
export interface ChartSpec {
  readonly title: string;
  readonly kind: 'bar' | 'line';
  readonly chart: ChartOptions;
  /** A sentence on how to read the chart. */
  readonly caption: string;
}

/** A small headline number shown as a card above the charts. */
export interface Card {
  readonly label: string;
  readonly value: string;
  readonly tone?: 'bad' | 'warn' | 'good';
}

/** What an HTML page adds to the View: cards, charts, and warnings shown above everything else. */
export interface PageParts {
  readonly cards: readonly Card[];
  readonly charts: readonly ChartSpec[];
  readonly warnings?: readonly string[];
}

/** A card with a count, toned only when the count is above zero. */
export const countCard = (label: string, value: number, tone?: Card['tone']): Card => ({
  label,
  value: String(value),
  ...(tone && value > 0 ? { tone } : {}),
});

/** The views of one report: the layout for people, its CSV rows (if it has a list), its HTML parts. */
export interface ReportViews<R> {
  readonly view: (report: R) => View;
  /** Undefined when the report has no single list of rows (the overview). */
  readonly csv?: (report: R) => Grid;
  readonly page: (report: R) => PageParts;
}
