import { FINDING_PROJECTION_KEYS, type FindingProjection, findingCsvCells } from '../finding-projection.js';
import type { Column } from './view.js';

/** The CSV columns of a finding, one per key of the projection: the same header in `scan` and every report. */
export const FINDING_CSV_COLUMNS: readonly Column<FindingProjection>[] = FINDING_PROJECTION_KEYS.map(
  (key) => ({ header: key, value: (row: FindingProjection) => findingCsvCells(row)[key] }),
);
