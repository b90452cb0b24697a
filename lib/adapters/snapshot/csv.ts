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
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedCell = false;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !quotedCell)) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    quotedCell = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') {
      inQuotes = true;
      quotedCell = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (inQuotes) problems.push({ line: recordLine, message: 'a quoted cell is never closed' });
  else if (cell !== '' || cells.length > 0 || quotedCell) endRecord();
  return { records, problems };
}
