import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvProblem, type CsvRecord, parseCsv } from '../../../../lib/adapters/snapshot/csv.js';

/** The splitter as it was before it cut cells in runs (a character at a time): the reference. */
function referenceParseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
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

describe('parseCsv', () => {
  it('splits any text exactly as the character-at-a-time reference did', () => {
    // Texts built from the characters that matter to CSV, and some that do not.
    const text = fc
      .array(
        fc.constantFrom(
          'a',
          'b',
          ' ',
          ',',
          '"',
          '""',
          '\n',
          '\r',
          '\r\n',
          '\uFEFF',
          'é',
          'arn:aws:iam::1:user/x',
        ),
        {
          maxLength: 60,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (csv) => {
        expect(parseCsv(csv)).toEqual(referenceParseCsv(csv));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps quoted commas, doubled quotes and line breaks, and reports an unclosed quote by line', () => {
    const { records, problems } = parseCsv('\uFEFFuser,note\r\n"a,b","say ""hi""\nthere"\n\nc,"open');
    expect(records).toEqual([
      { line: 1, cells: ['user', 'note'] },
      { line: 2, cells: ['a,b', 'say "hi"\nthere'] },
    ]);
    expect(problems).toEqual([{ line: 5, message: 'a quoted cell is never closed' }]);
  });
});
