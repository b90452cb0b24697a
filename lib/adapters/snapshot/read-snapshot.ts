import { readFile, stat } from 'node:fs/promises';
import { ValidationError } from '../../domain/errors.js';
import type { IamInventory } from '../../domain/inventory.js';
import { buildInventory } from './build-inventory.js';
import { parseCredentialReport } from './credential-report.js';
import { readGaad } from './gaad.js';
import { toIsoUtc } from './iam-dates.js';

/** Which snapshot files to read. */
export interface SnapshotFiles {
  /** `aws iam get-account-authorization-details` output (one object, or an array of saved pages). */
  readonly gaadPath: string;
  /** The credential report CSV (decoded `Content` of `aws iam get-credential-report`). */
  readonly credentialReportPath?: string;
  /** How the user named each file (a CLI flag such as `--gaad`), for error messages. */
  readonly gaadLabel?: string;
  readonly credentialReportLabel?: string;
}

/**
 * Reads an account's IAM state from snapshot files into the normalized inventory. Without a
 * credential report, users carry `credentialReportSeen: false` and no key data. `collectedAt` is the
 * newest modification time of the files.
 * @throws ValidationError naming the file and the place (JSON path, or CSV line and column) of every
 *   problem; also when a file cannot be read or is not JSON.
 */
export async function readSnapshot(options: SnapshotFiles): Promise<IamInventory> {
  const { gaadPath, credentialReportPath } = options;
  const gaadName = options.gaadLabel ? `${options.gaadLabel} ${gaadPath}` : gaadPath;
  const reportName = options.credentialReportLabel
    ? `${options.credentialReportLabel} ${credentialReportPath}`
    : (credentialReportPath ?? '');
  const gaadText = await readText(gaadPath, options.gaadLabel ?? 'GAAD file');
  // A file must be a whole export: `{}`, `[]` or `aws iam list-roles` output is not an empty account.
  const gaad = readGaad(parseJson(gaadText, gaadName), gaadName, { requireLists: true });
  const report = credentialReportPath
    ? parseCredentialReport(
        await readText(credentialReportPath, options.credentialReportLabel ?? 'credential report file'),
        reportName,
      )
    : undefined;
  const paths = credentialReportPath ? [gaadPath, credentialReportPath] : [gaadPath];
  const times = await Promise.all(paths.map(async (p) => (await stat(p)).mtime.getTime()));
  return buildInventory({
    source: 'snapshot',
    collectedAt: toIsoUtc(new Date(Math.max(...times))),
    gaad,
    ...(report ? { report } : {}),
    origin: paths,
  });
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
    throw new ValidationError(`cannot read ${what} ${path}: ${reason}`, [{ path, message: reason }], {
      cause,
    });
  }
}

/** JSON.parse with the error turned into "file:line:column: reason". */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    const message = (cause as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? source : `${source}:${lineColumn(text, Number(position))}`;
    const reason = message.replace(/\s*\(line \d+ column \d+\)$/, '');
    throw new ValidationError(`invalid JSON in ${where}: ${reason}`, [{ path: where, message: reason }], {
      cause,
    });
  }
}

function lineColumn(text: string, position: number): string {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${position - lastBreak}`;
}
