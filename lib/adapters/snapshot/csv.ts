/** One parsed CSV record with the 1-based line it starts on, for error messages. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/** Why a CSV text could not be split into records, and where. */
export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * Splits RFC 4180 CSV into records: quoted cells may hold commas, doubled quotes and line breaks;
 * CRLF and LF both end a record; a leading BOM is dropped; blank lines are skipped.
 */
export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems = forEachCsvRecord(text, (record) => records.push(record));
  return { records, problems };
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * `parseCsv` one record at a time, so a large file (a credential report of 25,000 users) is never
 * held as an array of records: `onRecord` gets each record as it ends. Cells are cut from the text in
 * runs, not built a character at a time (which made a rope of every cell).
 * @returns the problems found (an unclosed quote), by line.
 */
export function forEachCsvRecord(text: string, onRecord: (record: CsvRecord) => void): CsvProblem[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const problems: CsvProblem[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedCell = false;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !quotedCell)) onRecord({ line: recordLine, cells });
    cells = [];
    cell = '';
    quotedCell = false;
  };
  const newlines = (from: number, to: number) => {
    let count = 0;
    for (let k = src.indexOf('\n', from); k !== -1 && k < to; k = src.indexOf('\n', k + 1)) count++;
    return count;
  };
  const n = src.length;
  let i = 0;
  while (i < n) {
    if (inQuotes) {
      const q = src.indexOf('"', i);
      const end = q === -1 ? n : q;
      line += newlines(i, end);
      cell += src.slice(i, end);
      if (q === -1) {
        i = n;
      } else if (src.charCodeAt(q + 1) === QUOTE) {
        cell += '"';
        i = q + 2;
      } else {
        inQuotes = false;
        i = q + 1;
      }
      continue;
    }
    const ch = src.charCodeAt(i);
    if (ch === QUOTE && cell === '') {
      inQuotes = true;
      quotedCell = true;
      i++;
    } else if (ch === COMMA) {
      cells.push(cell);
      cell = '';
      i++;
    } else if (ch === LF || ch === CR) {
      if (ch === CR && src.charCodeAt(i + 1) === LF) i++;
      endRecord();
      line++;
      recordLine = line;
      i++;
    } else {
      // A run of plain characters up to the next separator (a quote inside a cell is plain).
      let j = i + 1;
      while (j < n) {
        const c = src.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR) break;
        j++;
      }
      cell += src.slice(i, j);
      i = j;
    }
  }
  if (inQuotes) problems.push({ line: recordLine, message: 'a quoted cell is never closed' });
  else if (cell !== '' || cells.length > 0 || quotedCell) endRecord();
  return problems;
}
