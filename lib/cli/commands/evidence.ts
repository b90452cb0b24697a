import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { hubReportSources } from '../../adapters/dynamodb/hub-report-sources.js';
import { DEFAULT_POLICY_PATH, loadPolicyFile } from '../../config/policy-file.js';
import { type Issue, ValidationError } from '../../domain/errors.js';
import { collectEvidence, type EvidenceSources } from '../../domain/evidence/collect.js';
import { verifyPackage } from '../../domain/evidence/manifest.js';
import { DAY_MS } from '../../domain/primitives.js';
import { MAX_WINDOW_DAYS } from '../../domain/reports/sources.js';
import { formatIssues } from '../../domain/validation.js';
import { destinationProblem, readPackageDirectory, writePackageDirectory } from '../../evidence/files.js';
import { buildEvidencePackage } from '../../evidence/package.js';
import { type CliIo, EXIT, ExitCode, UsageError } from '../io.js';
import { type Stores, withLocalStores } from '../local-store.js';
import { addOutputOptions, deliverOutput, examples, formatOf, parseCliOptions } from '../options.js';
import { type OutputFormat, renderJson } from '../output.js';
import {
  type HubOptions,
  hubTableNames,
  type RemoteOptions,
  wantsHub,
  wantsRemote,
  withHubTables,
  withRemoteStores,
} from '../remote-store.js';
import { CommonOptions } from '../report/options.js';
import { terminalProgress } from '../report/progress.js';
import { reportSources } from '../report/sources.js';
import type { RegisterCommand } from './register.js';

/** `2026-02-01` (midnight UTC) or an ISO-8601 timestamp with an offset. */
export function parseInstant(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00.000Z`);
    return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? undefined : day;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text))
    return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const Instant = z
  .string({ error: 'is required (a day such as 2026-02-01, or an ISO-8601 timestamp)' })
  .refine((t) => parseInstant(t) !== undefined, 'must be a day (2026-02-01) or an ISO-8601 timestamp');

const EvidenceOptions = CommonOptions.pick({
  region: true,
  profile: true,
  stack: true,
  decisionsTable: true,
  executionsTable: true,
  findingsTable: true,
  endpointUrl: true,
  hub: true,
  orgEventsTable: true,
}).extend({
  from: Instant,
  to: Instant,
  output: z
    .string({ error: 'is required: the directory to write the package to' })
    .min(1, 'must name a directory'),
  policy: z.array(z.string().min(1)).optional(),
  force: z.boolean().optional(),
  format: z.string().default('table'),
});

const SUMMARY_FORMATS = ['table', 'json'] as const satisfies readonly OutputFormat[];

const VerifyOptions = z.strictObject({
  output: z.string().min(1, 'must name a file').optional(),
  expectDigest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits> as printed by nhi-gov evidence')
    .optional(),
  format: z.string().default('table'),
});

/** Validates every option and the destination, and names each bad one by its flag; writes nothing. */
function planEvidence(io: CliIo, raw: Record<string, unknown>) {
  const options = parseCliOptions(EvidenceOptions, raw);
  const format = formatOf(options.format, 'nhi-gov evidence', SUMMARY_FORMATS);
  const now = io.now();
  const from = parseInstant(options.from) as Date;
  const to = parseInstant(options.to) as Date;
  const issues: Issue[] = [];
  if (from.getTime() >= to.getTime())
    issues.push({ path: '--from', message: `must be before --to (${options.to})` });
  if (to.getTime() > now.getTime()) {
    issues.push({
      path: '--to',
      message: `is in the future (now is ${now.toISOString()}): a period must have ended`,
    });
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    issues.push({ path: '--from', message: `reaches back more than ${MAX_WINDOW_DAYS} days from --to` });
  }
  const dir = resolve(io.cwd, options.output);
  const problem = destinationProblem(dir, options.force === true);
  if (problem) issues.push({ path: '--output', message: `${options.output} ${problem}` });
  if (issues.length > 0) throw new ValidationError(`invalid options: ${formatIssues(issues)}`, issues);
  const policies = (options.policy ?? [undefined]).map((given) => {
    const path = given ? resolve(io.cwd, given) : DEFAULT_POLICY_PATH;
    const policy = loadPolicyFile(path);
    return {
      version: policy.version,
      source: given ?? 'policy/default.yaml',
      text: readFileSync(path, 'utf8'),
    };
  });
  return {
    options,
    format,
    dir,
    period: { since: from.toISOString(), until: to.toISOString() },
    policies,
    now,
  };
}

function sourceLabel(options: HubOptions): string {
  if (wantsHub(options)) {
    const names = hubTableNames(options);
    return `hub:${names.decisions},${names.orgEvents}${options.region ? `@${options.region}` : ''}`;
  }
  if (!wantsRemote(options)) return 'local';
  if (options.stack) return `stack:${options.stack}${options.region ? `@${options.region}` : ''}`;
  return `tables:${options.decisionsTable ?? '?'},${options.executionsTable ?? '?'},${options.findingsTable ?? '?'}`;
}

async function evidenceCommand(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const plan = planEvidence(io, raw);
  const progress = terminalProgress(io, 'evidence');
  const collect = (sources: EvidenceSources) =>
    collectEvidence(sources, plan.period, { now: plan.now, progress: progress.update });
  const read = (stores: Stores) => collect({ ...reportSources(stores), decisions: stores.decisions });
  let data: Awaited<ReturnType<typeof read>>;
  try {
    // The hub: decisions as in one account, findings and outcomes from the org-events table.
    data = wantsHub(plan.options)
      ? await withHubTables(plan.options, (client, names) => collect(hubReportSources(client, names)))
      : wantsRemote(plan.options)
        ? await withRemoteStores(plan.options as RemoteOptions, read)
        : await withLocalStores(io, read);
  } finally {
    progress.done();
  }
  const pkg = buildEvidencePackage({
    data,
    policies: plan.policies,
    source: sourceLabel(plan.options),
    generator: `nhi-gov ${process.env.npm_package_version ?? '0.1.0'}`,
  });
  writePackageDirectory(plan.dir, pkg.files);
  const counts = Object.entries(pkg.rows)
    .map(([part, n]) => `${part} ${n}`)
    .join(', ');
  io.stdout.write(
    plan.format === 'json'
      ? renderJson({
          output: plan.options.output,
          period: pkg.manifest.period,
          files: pkg.files.size,
          rows: pkg.rows,
          packageDigest: pkg.manifest.packageDigest,
        })
      : `wrote ${pkg.files.size} files to ${plan.options.output} (${counts})\npackage digest ${pkg.manifest.packageDigest}\n`,
  );
}

async function verifyCommand(io: CliIo, dirArg: string, raw: Record<string, unknown>): Promise<void> {
  const options = parseCliOptions(VerifyOptions, raw);
  const format = formatOf(options.format, 'nhi-gov evidence verify', SUMMARY_FORMATS);
  const dir = resolve(io.cwd, dirArg);
  let content: ReturnType<typeof readPackageDirectory>;
  try {
    content = readPackageDirectory(dir);
  } catch (error) {
    throw new UsageError(
      `cannot read ${dirArg}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const result = verifyPackage(
    content.files,
    options.expectDigest ? { expectDigest: options.expectDigest } : {},
  );
  const problems = [
    ...result.problems,
    ...content.irregular.map((path) => ({ kind: 'unexpected' as const, path, detail: 'not a regular file' })),
  ];
  const ok = result.ok && content.irregular.length === 0;
  const text =
    format === 'json'
      ? renderJson({ ok, packageDigest: result.packageDigest, files: result.files, problems })
      : ok
        ? `ok: ${result.files} files match the manifest; package digest ${result.packageDigest}\n`
        : `FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p.kind.padEnd(10)} ${p.path}: ${p.detail}`).join('\n')}\n`;
  deliverOutput(io, text, options.output);
  if (!ok) throw new ExitCode(EXIT.failOn);
}

/** `nhi-gov evidence`: a dated, tamper-evident evidence package of a period, and its verification. */
export const registerEvidence: RegisterCommand = (program, io) => {
  const evidence = program
    .command('evidence')
    .description('write a tamper-evident audit evidence package for a period, or verify one')
    // `evidence` and `evidence verify` both take -f and -o: options after `verify` are verify's.
    .enablePositionalOptions()
    .option('--from <date>', 'start of the period, inclusive (a day such as 2026-02-01, or a timestamp)')
    .option('--to <date>', 'end of the period, exclusive (must have passed)')
    .option('-f, --format <format>', 'output format of the summary: table, json', 'table')
    .option('-o, --output <dir>', 'directory to write the package to (new or empty)')
    .option('--force', 'replace an earlier evidence package in --output (never deletes other files)')
    .option(
      '--policy <file>',
      'a policy file in force during the period, included by hash; repeatable (default policy/default.yaml)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--region <region>', 'read the tables of a deployed stack in this AWS region')
    .option('--profile <name>', 'AWS profile for the deployed stack')
    .option('--stack <name>', 'CloudFormation stack whose outputs name the tables (e.g. NhiGov)')
    .option('--decisions-table <name>', 'decisions table name (overrides the stack output)')
    .option('--executions-table <name>', 'executions table name (overrides the stack output)')
    .option('--findings-table <name>', 'findings table name (overrides the stack output)')
    .option('--endpoint-url <url>', 'another DynamoDB endpoint for the deployed tables')
    .option('--hub', 'read the organization hub’s tables (nhi-gov-decisions, nhi-gov-org-events)')
    .option('--org-events-table <name>', 'the hub’s org-events table (implies --hub)')
    .addHelpText(
      'after',
      `${examples(
        'nhi-gov evidence --from 2026-02-01 --to 2026-03-01 -o evidence/2026-02',
        'nhi-gov evidence --from 2026-02-01 --to 2026-03-01 -o evidence/2026-02 --stack NhiGov --region eu-west-1',
        'nhi-gov evidence verify evidence/2026-02',
      )}
The package holds decisions and approvals, refused attempts, the execution trail (a separate file),
exceptions, break-glass activations and reviews, certification campaigns, findings opened or resolved,
and the policy files by hash: each as JSON and CSV, an index.html mapping controls (NIST CSF 2.0,
OWASP NHI Top 10, SOC 2, ISO/IEC 27001) to files, and a manifest.json with SHA-256 per file.
Exit codes: 0 ok, 2 usage or input error, 3 unexpected error. See docs/evidence.md.`,
    )
    .action(async (raw: Record<string, unknown>) => evidenceCommand(io, raw));

  addOutputOptions(
    evidence
      .command('verify')
      .argument('<dir>', 'an evidence package directory')
      .description(
        'check every file of a package against its manifest; exit 1 on any altered, missing or added file',
      ),
    SUMMARY_FORMATS,
  )
    .option('--expect-digest <digest>', 'also require this package digest (recorded at generation or in S3)')
    .addHelpText(
      'after',
      `${examples(
        'nhi-gov evidence verify evidence/2026-02',
        'nhi-gov evidence verify evidence/2026-02 --expect-digest sha256:<the digest recorded at generation>',
        'nhi-gov evidence verify evidence/2026-02 --format json -o verify.json',
      )}
Exit codes: 0 intact, 1 an altered, missing or added file (or another digest), 2 usage error.`,
    )
    .action(async (dir: string, raw: Record<string, unknown>) => verifyCommand(io, dir, raw));
};
