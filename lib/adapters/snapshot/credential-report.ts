import type { AccessKey } from '../../domain/inventory.js';
import { type CsvRecord, forEachCsvRecord } from './csv.js';
import { NO_VALUE, readIamDate } from './iam-dates.js';
import { issuesError } from './issues.js';

/** What the credential report says about one IAM user. */
export interface CredentialReportUser {
  readonly name: string;
  readonly arn: string;
  /** The CSV line the row sits on, for evidence. */
  readonly line: number;
  readonly passwordEnabled?: boolean;
  readonly passwordLastUsedAt?: string;
  readonly mfaActive?: boolean;
  /** Keys that exist (active, or inactive with a rotation date); at most two. */
  readonly accessKeys: readonly AccessKey[];
}

/** A parsed credential report: the users by name, and whether the `<root_account>` row was present. */
export interface CredentialReport {
  readonly users: ReadonlyMap<string, CredentialReportUser>;
  readonly rootRowSeen: boolean;
}

const REQUIRED_COLUMNS = ['user', 'arn', 'access_key_1_active', 'access_key_2_active'] as const;
const ROOT_ROW = '<root_account>';

/**
 * Parses an IAM credential report (the decoded CSV of GetCredentialReport, or `aws iam
 * get-credential-report` saved to a file). Columns are found by header name, so reordered or missing
 * optional columns are fine. `N/A`, `not_supported` and `no_information` read as no value; both date
 * styles are accepted; the `<root_account>` row is noted and skipped (the root user is not an NHI).
 * @param source names the file (or the API call) in error messages.
 * @throws ValidationError naming the source, the line and the column of every bad cell.
 */
export function parseCredentialReport(text: string, source: string): CredentialReport {
  const issues: { path: string; message: string }[] = [];
  const users = new Map<string, CredentialReportUser>();
  let header: CsvRecord | undefined;
  let columns = new Map<string, number>();
  let rootRowSeen = false;
  // Row by row as the text is split: a report of 25,000 users is never held as an array of records.
  const problems = forEachCsvRecord(text, (row) => {
    if (!header) {
      header = row;
      columns = new Map(row.cells.map((name, i) => [name.trim(), i]));
      const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
      if (missing.length > 0) {
        throw issuesError(`credential report ${source}`, [
          {
            path: `${source}:${row.line}`,
            message: `the header lacks column(s) ${missing.join(', ')}; is this a credential report?`,
          },
        ]);
      }
      return;
    }
    const reader = cellReader(row, columns, source, issues);
    if (row.cells.length !== header.cells.length) {
      issues.push({
        path: `${source}:${row.line}`,
        message: `has ${row.cells.length} cells, the header has ${header.cells.length}`,
      });
      return;
    }
    const name = reader.text('user');
    if (name === ROOT_ROW) {
      rootRowSeen = true;
      return;
    }
    if (!name) {
      issues.push({ path: `${source}:${row.line} column user`, message: 'is empty' });
      return;
    }
    const accessKeys: AccessKey[] = [];
    for (const slot of [1, 2] as const) {
      const active = reader.bool(`access_key_${slot}_active`) ?? false;
      const lastRotatedAt = reader.date(`access_key_${slot}_last_rotated`);
      // A slot with neither an active flag nor a rotation date holds no key at all.
      if (!active && !lastRotatedAt) continue;
      const lastUsedAt = reader.date(`access_key_${slot}_last_used_date`);
      const lastUsedService = reader.text(`access_key_${slot}_last_used_service`);
      accessKeys.push({
        slot,
        active,
        ...(lastRotatedAt ? { lastRotatedAt } : {}),
        ...(lastUsedAt ? { lastUsedAt } : {}),
        ...(lastUsedService ? { lastUsedService } : {}),
      });
    }
    const passwordEnabled = reader.bool('password_enabled');
    const passwordLastUsedAt = reader.date('password_last_used');
    const mfaActive = reader.bool('mfa_active');
    // Real reports have been seen with a user twice; the later row wins, as a re-generated report would.
    users.set(name, {
      name,
      arn: reader.text('arn') ?? '',
      line: row.line,
      ...(passwordEnabled !== undefined ? { passwordEnabled } : {}),
      ...(passwordLastUsedAt ? { passwordLastUsedAt } : {}),
      ...(mfaActive !== undefined ? { mfaActive } : {}),
      accessKeys,
    });
  });
  if (!header) {
    throw issuesError(`credential report ${source}`, [{ path: source, message: 'the file is empty' }]);
  }
  // The splitter's problems first, then the rows', as they were listed when the file was split first.
  const all = [...problems.map((p) => ({ path: `${source}:${p.line}`, message: p.message })), ...issues];
  if (all.length > 0) throw issuesError(`credential report ${source}`, all);
  return { users, rootRowSeen };
}

function cellReader(
  row: CsvRecord,
  columns: ReadonlyMap<string, number>,
  source: string,
  issues: { path: string; message: string }[],
) {
  const raw = (column: string): string | undefined => {
    const index = columns.get(column);
    if (index === undefined) return undefined;
    const value = row.cells[index]?.trim();
    return value === undefined || NO_VALUE.has(value) ? undefined : value;
  };
  const where = (column: string) => `${source}:${row.line} column ${column}`;
  return {
    text: raw,
    bool(column: string): boolean | undefined {
      const value = raw(column);
      if (value === undefined) return undefined;
      if (/^true$/i.test(value)) return true;
      if (/^false$/i.test(value)) return false;
      issues.push({ path: where(column), message: `expected true or false, got "${value}"` });
      return undefined;
    },
    date(column: string): string | undefined {
      const result = readIamDate(raw(column));
      if (result.ok) return result.value;
      issues.push({ path: where(column), message: result.message });
      return undefined;
    },
  };
}
