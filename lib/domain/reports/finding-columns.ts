import { FINDING_PROJECTION_KEYS, type FindingProjection, findingCsvCells } from '../finding-projection.js';
import type { Column } from './view.js';

/**
 * A row's CSV cells, made once per row and shared by its columns: made per column, a row's evidence
 * was serialised once for every column (21 times), which made the CSV of 80,000 findings take 6 s.
 */
const cellsOf = (() => {
  const made = new WeakMap<FindingProjection, ReturnType<typeof findingCsvCells>>();
  return (row: FindingProjection) => {
    let cells = made.get(row);
    if (!cells) {
      cells = findingCsvCells(row);
      made.set(row, cells);
    }
    return cells;
  };
})();

/** The CSV columns of a finding, one per key of the projection: the same header in `scan` and every report. */
export const FINDING_CSV_COLUMNS: readonly Column<FindingProjection>[] = FINDING_PROJECTION_KEYS.map(
  (key) => ({ header: key, value: (row: FindingProjection) => cellsOf(row)[key] }),
);
