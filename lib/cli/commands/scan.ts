import { resolve } from 'node:path';
import * as z from 'zod';
import { DynamoCampaignStore } from '../../adapters/dynamodb/campaign-store.js';
import { DynamoScanDigests } from '../../adapters/dynamodb/scan-digest.js';
import { DynamoScanLog } from '../../adapters/dynamodb/scan-log.js';
import { readSnapshot } from '../../adapters/snapshot/read-snapshot.js';
import { fixedClock } from '../../adapters/system.js';
import { loadPolicyFile } from '../../config/policy-file.js';
import { AccountId, accountOfInventory } from '../../domain/account.js';
import type { Finding } from '../../domain/finding.js';
import { projectFinding } from '../../domain/finding-projection.js';
import type { IamInventory } from '../../domain/inventory.js';
import type { Policy } from '../../domain/policy/schema.js';
import { Severity } from '../../domain/primitives.js';
import { scanCsv, scanHeadline, scanPage, scanView, summaryOf } from '../../domain/reports/scan/views.js';
import { runScan, type ScanResult } from '../../domain/scanning/run-scan.js';
import { assertNotInFuture } from '../../domain/scanning/scan-time.js';
import { enforceFailOn } from '../fail-on.js';
import { localGovernance } from '../governance-context.js';
import { renderViewPage } from '../html/report-page.js';
import type { CliIo } from '../io.js';
import { type Stores, withLocalStores } from '../local-store.js';
import { renderOcsf } from '../ocsf.js';
import { addFailOnOption, addOutputOptions, deliverOutput, examples, parseCliOptions } from '../options.js';
import { type Column, OUTPUT_FORMATS, renderJson, renderTable } from '../output.js';
import { boundPolicy } from '../policy-binding.js';
import { terminalProgress } from '../report/progress.js';
import { renderGridCsv } from '../report/render.js';
import type { RegisterCommand } from './register.js';

/** `2026-03-01` (midnight UTC) or an ISO-8601 timestamp with an offset. */
export function parseAsOf(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00Z`);
    return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? undefined : day;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  // Date rolls 2026-02-30 over to March; a day that is not in the calendar is not a timestamp either.
  if (parseAsOf(text.slice(0, 10)) === undefined) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const ScanOptions = z.strictObject({
  gaad: z.string({ error: 'is required (the `aws iam get-account-authorization-details` JSON)' }).min(1),
  credentialReport: z.string().min(1).optional(),
  asOf: z
    .string()
    .refine((t) => parseAsOf(t) !== undefined, 'must be a day (2026-03-01) or an ISO-8601 timestamp')
    .optional(),
  policy: z.string().min(1).optional(),
  account: AccountId.optional(),
  format: z.enum(OUTPUT_FORMATS, { message: `must be one of ${OUTPUT_FORMATS.join(', ')}` }).default('table'),
  output: z.string().min(1, 'must name a file').optional(),
  failOn: Severity.optional(),
});
type ScanOptions = z.infer<typeof ScanOptions>;

/** The `--format json` document: `findings` holds the open and suppressed findings, worst first. */
export function scanJson(result: ScanResult) {
  const asOf = new Date(result.asOf);
  return {
    asOf: result.asOf,
    accountId: result.accountId,
    readOnly: result.mode.kind === 'read-only' ? result.mode.reason : null,
    policy: result.policy,
    inventory: result.inventory,
    identities: result.identities,
    summary: summaryOf(result),
    findings: result.findings.map((f) => projectFinding(f, asOf)),
    resolved: result.resolved.map((f) => projectFinding(f, asOf)),
    revokesRequested: result.revokes.requested,
    revokesFailed: result.revokes.failed,
    metrics: result.metrics,
  };
}

const TABLE_COLUMNS: readonly Column<Finding>[] = [
  { header: 'SEVERITY', value: (f) => f.severity },
  { header: 'TYPE', value: (f) => f.type },
  { header: 'IDENTITY', value: (f) => f.identityKey },
  { header: 'STATUS', value: (f) => (f.suppressedBy ? `suppressed (${f.suppressedBy})` : f.status) },
  { header: 'OWNER', value: (f) => f.owner ?? '-' },
  { header: 'WHAT', value: (f) => f.title },
];

function renderTableOutput(result: ScanResult): string {
  const lines = [scanHeadline(result), ''];
  if (result.findings.length > 0) lines.push(renderTable(result.findings, TABLE_COLUMNS));
  if (result.resolved.length > 0) {
    lines.push('Resolved by this scan:', renderTable(result.resolved, TABLE_COLUMNS));
  }
  const revokes = result.revokes;
  if (revokes.requested.length > 0) {
    lines.push(
      `System revokes filed through governance: ${revokes.requested.map((r) => `${r.decisionId} (${r.reason})`).join(', ')}`,
    );
  }
  lines.push('Details: --format json (evidence, OWASP NHI / NIST CSF mapping). See docs/scanning.md.');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Renders a scan result in one of the output formats. */
export function renderScan(
  result: ScanResult,
  format: ScanOptions['format'],
  generatedAt = new Date(),
): string {
  switch (format) {
    case 'json':
      return renderJson(scanJson(result));
    case 'csv':
      return renderGridCsv(scanCsv(result));
    case 'html':
      return renderViewPage(scanView(result), scanPage(result), generatedAt, result.asOf);
    case 'ocsf':
      // Every finding the scan saw and every one it resolved, as the same records Security Hub gets.
      return renderOcsf(
        [...result.findings, ...result.resolved].map((f) => projectFinding(f, new Date(result.asOf))),
        process.env.npm_package_version ?? '0.1.0',
      );
    default:
      return renderTableOutput(result);
  }
}

/**
 * One account's scan into the embedded store's tables, under `policy`: what `nhi-gov scan` runs once
 * the store is open and its policy bound. The organization benchmark calls it for every account over
 * one store, so its figures are the command's without a store start per account.
 */
export function scanIntoStores(
  stores: Stores,
  policy: Policy,
  input: {
    inventory: IamInventory;
    asOf: Date;
    now: Date;
    accountId: string;
    onProgress?: (phase: string) => void;
    onCount?: (done: number, total: number, label: string) => void;
  },
): Promise<ScanResult> {
  const governance = localGovernance(stores, policy, fixedClock(input.asOf));
  return runScan(
    {
      decisions: stores.decisions,
      campaigns: new DynamoCampaignStore(stores.doc, stores.names.decisions),
      findings: stores.findings,
      metrics: stores.findings,
      executions: stores.executions,
      scans: new DynamoScanLog(stores.doc, stores.names.findings),
      digests: new DynamoScanDigests(stores.doc, stores.names.findings),
      revokes: {
        requestRevoke: async (detail) => {
          await governance.fileSystemRevoke(detail);
        },
      },
    },
    {
      inventory: input.inventory,
      policy,
      asOf: input.asOf,
      now: input.now,
      asOfField: '--as-of',
      accountId: input.accountId,
      accountField: '--account',
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(input.onCount ? { onCount: input.onCount } : {}),
    },
  );
}

async function scanCommand(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  // Every input is read and checked before DynamoDB Local starts: bad input costs nothing and writes
  // nothing (`--output` was checked before the action ran: see main.ts).
  const options = parseCliOptions(ScanOptions, raw);
  const at = (path: string) => resolve(io.cwd, path);
  const now = io.now();
  const asOf = options.asOf ? (parseAsOf(options.asOf) as Date) : now;
  assertNotInFuture(asOf, now, '--as-of');
  const requested = options.policy ? loadPolicyFile(at(options.policy)) : undefined;
  const inventory = await readSnapshot({
    gaadPath: at(options.gaad),
    gaadLabel: '--gaad',
    ...(options.credentialReport
      ? { credentialReportPath: at(options.credentialReport), credentialReportLabel: '--credential-report' }
      : {}),
  });
  const accountId = accountOfInventory(inventory, options.account, '--account');
  const progress = terminalProgress(io, 'scan');
  progress.phase('starting the local store');
  let result: ScanResult;
  try {
    result = await withLocalStores(io, async (stores) => {
      // The store's bound policy; a --policy naming other rules is refused (docs/cli.md).
      const policy = await boundPolicy(stores, {
        ...(requested ? { requested } : {}),
        command: 'scan',
        now: io.now(),
      });
      return scanIntoStores(stores, policy, {
        inventory,
        asOf,
        now,
        accountId,
        onProgress: progress.phase,
        onCount: progress.update,
      });
    });
  } finally {
    progress.done();
  }

  if (result.mode.kind === 'read-only') io.stderr.write(`nhi-gov: read-only: ${result.mode.reason}\n`);
  deliverOutput(io, renderScan(result, options.format, io.now()), options.output);
  for (const failure of result.revokes.failed) {
    io.stderr.write(`nhi-gov: could not file a system revoke for ${failure.decisionId}: ${failure.error}\n`);
  }
  enforceFailOn(
    io,
    result.findings.filter((f) => f.status === 'open').map((f) => f.severity),
    options.failOn,
  );
}

/** `nhi-gov scan`: the scanners over snapshot files, on the embedded store. */
export const registerScan: RegisterCommand = (program, io) => {
  const cmd = program
    .command('scan')
    .description(
      'scan an account snapshot (GAAD JSON + credential report CSV) for stale, unused, unrotated, unapproved and orphaned NHIs',
    )
    .option('--gaad <file>', 'output of `aws iam get-account-authorization-details` (JSON); required')
    .option('--credential-report <file>', 'the IAM credential report CSV (without it, key rules are skipped)')
    .option('--as-of <date>', 'scan as of this day or timestamp (default now)')
    .option('--policy <file>', 'must be the policy the local store is bound to (binds a new store)')
    .option(
      '--account <id>',
      'the 12-digit account the snapshot describes (needed only when it has no identity ARN)',
    );
  addFailOnOption(addOutputOptions(cmd))
    .addHelpText(
      'after',
      `${examples(
        'aws iam get-account-authorization-details > gaad.json',
        'aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d > report.csv',
        'nhi-gov scan --gaad gaad.json --credential-report report.csv',
        'nhi-gov scan --gaad gaad.json --credential-report report.csv --format json | jq \'.findings[] | select(.severity=="high")\'',
        'nhi-gov scan --gaad gaad.json --format html -o scan.html --fail-on high',
      )}
Findings are kept in the embedded store under .nhi-gov/, so a second scan keeps firstSeen and
resolves what is gone, in the scanned account only. Time moves forward: an --as-of more than 5
minutes in the future is refused (exit 2); one before the account's newest scan runs read-only and
stores nothing. Findings have one shape everywhere (docs/schemas/finding.schema.json).
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error, 3 refused or unexpected
error. See docs/scanning.md and docs/cli.md.`,
    )
    .action(async (raw: Record<string, unknown>) => scanCommand(io, raw));
};
