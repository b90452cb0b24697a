import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option } from 'commander';
import { z } from 'zod';
import { DynamoCampaignStore } from '../../adapters/dynamodb/campaign-store.js';
import { readSnapshot } from '../../adapters/snapshot/read-snapshot.js';
import { fixedClock } from '../../adapters/system.js';
import { DEFAULT_POLICY_PATH, loadPolicyFile } from '../../config/policy-file.js';
import type { Finding } from '../../domain/finding.js';
import { Severity } from '../../domain/primitives.js';
import { runScan, type ScanResult } from '../../domain/scanning/run-scan.js';
import { parseOrThrow } from '../../domain/validation.js';
import { enforceFailOn } from '../fail-on.js';
import { localGovernance } from '../governance-context.js';
import type { CliIo } from '../io.js';
import { withLocalStores } from '../local-store.js';
import { type Column, escapeHtml, OUTPUT_FORMATS, renderCsv, renderJson, renderTable } from '../output.js';
import type { RegisterCommand } from './index.js';

/** `2026-03-01` (midnight UTC) or an ISO-8601 timestamp with an offset. */
function parseAsOf(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00Z`);
    return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? undefined : day;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
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
  format: z.enum(OUTPUT_FORMATS, { message: `must be one of ${OUTPUT_FORMATS.join(', ')}` }).default('table'),
  out: z.string().min(1, 'must name a file').optional(),
  failOn: Severity.optional(),
});
type ScanOptions = z.infer<typeof ScanOptions>;

/** The stable JSON shape of one finding (docs/scanning.md). */
function findingJson(f: Finding) {
  return {
    id: f.id,
    type: f.type,
    severity: f.severity,
    status: f.status,
    identityKey: f.identityKey,
    identityArn: f.identityArn ?? null,
    owner: f.owner ?? null,
    title: f.title,
    evidence: f.evidence,
    frameworks: f.frameworks,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    resolvedAt: f.resolvedAt ?? null,
    suppressedBy: f.suppressedBy ?? null,
  };
}

const count = (values: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

function summaryOf(result: ScanResult) {
  const open = result.findings.filter((f) => f.status === 'open');
  return {
    open: open.length,
    suppressed: result.findings.length - open.length,
    resolved: result.resolved.length,
    openByType: count(open.map((f) => f.type)),
    openBySeverity: count(open.map((f) => f.severity)),
  };
}

/** The `--format json` document: `findings` holds the open and suppressed findings, worst first. */
export function scanJson(result: ScanResult) {
  return {
    asOf: result.asOf,
    policy: result.policy,
    inventory: result.inventory,
    identities: result.identities,
    summary: summaryOf(result),
    findings: result.findings.map(findingJson),
    resolved: result.resolved.map(findingJson),
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

const CSV_COLUMNS: readonly Column<Finding>[] = [
  { header: 'id', value: (f) => f.id },
  { header: 'type', value: (f) => f.type },
  { header: 'severity', value: (f) => f.severity },
  { header: 'status', value: (f) => f.status },
  { header: 'identity', value: (f) => f.identityKey },
  { header: 'identity_arn', value: (f) => f.identityArn },
  { header: 'owner', value: (f) => f.owner },
  { header: 'title', value: (f) => f.title },
  { header: 'first_seen', value: (f) => f.firstSeen },
  { header: 'last_seen', value: (f) => f.lastSeen },
  { header: 'resolved_at', value: (f) => f.resolvedAt },
  { header: 'suppressed_by', value: (f) => f.suppressedBy },
  { header: 'owasp_nhi', value: (f) => f.frameworks.owaspNhi.join('; ') },
  { header: 'nist_csf', value: (f) => f.frameworks.nistCsf.join('; ') },
  { header: 'evidence', value: (f) => JSON.stringify(f.evidence) },
];

function headline(result: ScanResult): string {
  const s = summaryOf(result);
  const i = result.identities;
  return (
    `Scanned ${result.inventory.roles} roles and ${result.inventory.users} users as of ${result.asOf} ` +
    `(${i.nhi} NHIs, ${i['aws-managed']} AWS-managed, ${i.human} human, ${i.unknown} unclassified; ` +
    `${i.managed} under ${result.policy.managedPath}).\n` +
    `${s.open} open, ${s.suppressed} suppressed, ${s.resolved} resolved since the last scan.`
  );
}

function renderTableOutput(result: ScanResult): string {
  const lines = [headline(result), ''];
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

function renderHtml(result: ScanResult): string {
  const e = (v: unknown) => escapeHtml(String(v ?? ''));
  const rows = result.findings
    .map(
      (f) =>
        `<tr class="${e(f.severity)}"><td>${e(f.severity)}</td><td>${e(f.type)}</td><td>${e(f.identityKey)}</td>` +
        `<td>${e(f.status)}</td><td>${e(f.owner ?? '')}</td><td>${e(f.title)}</td>` +
        `<td>${e([...f.frameworks.owaspNhi, ...f.frameworks.nistCsf].join(', '))}</td>` +
        `<td><code>${e(JSON.stringify(f.evidence))}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nhi-gov scan ${e(result.asOf)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-size:12px;word-break:break-all}
tr.critical td:first-child,tr.high td:first-child{color:#b42318;font-weight:600}tr.medium td:first-child{color:#9a6700}
</style>
</head>
<body>
<h1>nhi-gov scan</h1>
<p>${e(headline(result)).replace('\n', '<br>')}</p>
<table>
<thead><tr><th>Severity</th><th>Type</th><th>Identity</th><th>Status</th><th>Owner</th><th>What</th><th>OWASP NHI / NIST CSF</th><th>Evidence</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/** Renders a scan result in one of the output formats. */
export function renderScan(result: ScanResult, format: ScanOptions['format']): string {
  switch (format) {
    case 'json':
      return renderJson(scanJson(result));
    case 'csv':
      return renderCsv(result.findings, CSV_COLUMNS);
    case 'html':
      return renderHtml(result);
    default:
      return renderTableOutput(result);
  }
}

async function scanCommand(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  // Every input is read and checked before DynamoDB Local starts: bad input costs nothing and writes nothing.
  const options = parseOrThrow(ScanOptions, raw, 'scan options');
  const at = (path: string) => resolve(io.cwd, path);
  const asOf = options.asOf ? (parseAsOf(options.asOf) as Date) : io.now();
  const policy = loadPolicyFile(options.policy ? at(options.policy) : DEFAULT_POLICY_PATH);
  const inventory = await readSnapshot({
    gaadPath: at(options.gaad),
    ...(options.credentialReport ? { credentialReportPath: at(options.credentialReport) } : {}),
  });
  const progress = io.stderr.isTTY
    ? (message: string) => io.stderr.write(`\r\x1b[2Knhi-gov scan: ${message}`)
    : undefined;
  progress?.('starting the local store');
  const result = await withLocalStores(io, async (stores) => {
    const governance = localGovernance(stores, policy, fixedClock(asOf));
    return runScan(
      {
        decisions: stores.decisions,
        campaigns: new DynamoCampaignStore(stores.doc, stores.names.decisions),
        findings: stores.findings,
        metrics: stores.findings,
        executions: stores.executions,
        revokes: {
          requestRevoke: async (detail) => {
            await governance.fileSystemRevoke(detail);
          },
        },
      },
      { inventory, policy, asOf, ...(progress ? { onProgress: progress } : {}) },
    );
  });
  if (progress) io.stderr.write('\r\x1b[2K');

  const text = renderScan(result, options.format);
  if (options.out) {
    const path = at(options.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (io.stderr.isTTY) io.stderr.write(`wrote ${path}\n`);
  } else {
    io.stdout.write(text);
  }
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
  program
    .command('scan')
    .description(
      'scan an account snapshot (GAAD JSON + credential report CSV) for stale, unused, unrotated, unapproved and orphaned NHIs',
    )
    .option('--gaad <file>', 'output of `aws iam get-account-authorization-details` (JSON)')
    .option('--credential-report <file>', 'the IAM credential report CSV (without it, key rules are skipped)')
    .option('--as-of <date>', 'scan as of this day or timestamp (default now)')
    .option('--policy <file>', 'policy file (default policy/default.yaml)')
    .addOption(
      new Option('-f, --format <format>', `output format: ${OUTPUT_FORMATS.join(', ')}`).default('table'),
    )
    .option('-o, --out <file>', 'write the output to a file instead of stdout')
    // The reports spell it --output (docs/cli.md); both work here.
    .addOption(new Option('--output <file>').hideHelp())
    .option(
      '--fail-on <severity>',
      'exit 1 when an open finding is at or above this severity (info..critical)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ aws iam get-account-authorization-details > gaad.json
  $ aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d > report.csv
  $ nhi-gov scan --gaad gaad.json --credential-report report.csv
  $ nhi-gov scan --gaad gaad.json --credential-report report.csv --format json | jq '.findings[] | select(.severity=="high")'
  $ nhi-gov scan --gaad gaad.json --format html -o scan.html --fail-on high

Findings are kept in the embedded store under .nhi-gov/, so a second scan keeps firstSeen and
resolves what is gone. Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error.
See docs/scanning.md.`,
    )
    .action(async ({ output, ...raw }: Record<string, unknown>) =>
      scanCommand(io, output !== undefined && raw.out === undefined ? { ...raw, out: output } : raw),
    );
};
