import type { Command } from 'commander';
import { hubReportSources } from '../../adapters/dynamodb/hub-report-sources.js';
import { NotFoundError } from '../../domain/errors.js';
import { identityKey, parseIdentity } from '../../domain/identity.js';
import type { OrganizationUnits } from '../../domain/organization.js';
import { Id, type Severity } from '../../domain/primitives.js';
import { auditReport } from '../../domain/reports/audit/query.js';
import type { ProgressFn } from '../../domain/reports/common.js';
import { driftReport } from '../../domain/reports/drift/query.js';
import { exceptionsReport } from '../../domain/reports/exceptions/query.js';
import { type GateableReport, gateSeverities } from '../../domain/reports/fail-on.js';
import { findingsReport } from '../../domain/reports/findings/query.js';
import { overviewReport } from '../../domain/reports/overview/query.js';
import { provisioningReport } from '../../domain/reports/provisioning/query.js';
import type { AnyReport } from '../../domain/reports/registry.js';
import { reviewsReport } from '../../domain/reports/reviews/query.js';
import { scopedSources } from '../../domain/reports/scope.js';
import type { ReportSources } from '../../domain/reports/sources.js';
import { violationsReport } from '../../domain/reports/violations/query.js';
import { enforceFailOn } from '../fail-on.js';
import { type CliIo, UsageError } from '../io.js';
import { type Stores, withLocalStores } from '../local-store.js';
import { addFailOnOption, addOutputOptions, deliverOutput, formatOf } from '../options.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../output.js';
import { currentPolicy, requestedPolicy } from '../policy-binding.js';
import {
  type HubOptions,
  type RemoteOptions,
  wantsHub,
  wantsRemote,
  withHubTables,
  withRemoteStores,
} from '../remote-store.js';
import {
  type CommonOptions,
  parseReportOptions,
  type ReportOptionsKind,
  windowOf,
} from '../report/options.js';
import { terminalProgress } from '../report/progress.js';
import { renderReport } from '../report/render.js';
import { resolveScope, wantsScope } from '../report/scope.js';
import { reportSources } from '../report/sources.js';
import type { RegisterCommand } from './register.js';
import { registerOrganizationReport } from './report-organization.js';

const SEVERITY_VALUES = 'info, low, medium, high or critical';

const STORE_HELP = `
Store:
  By default the report reads the embedded store under .nhi-gov/ (DynamoDB Local, shared with
  other commands; see nhi-gov store --help). With --region, --stack or table names it reads a deployed stack with
  your normal AWS credentials (environment, --profile, SSO); it only uses GetItem and Query.
  With --hub it reads an organization hub: the decisions table and the org-events table that every
  member forwards its findings, outcomes and scan heartbeats to (see docs/deploy.md).

Accounts:
  --account <id> and --ou <unit> (both repeatable) narrow a report to some accounts; units are the
  policy's organization.units (the store's bound policy, or --policy <file>). An unknown unit or
  account is refused with exit 2.

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error, 3 unexpected error.`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Every report has these forms; the findings report also has `ocsf` (one record per finding). */
const REPORT_FORMATS = OUTPUT_FORMATS.filter((f) => f !== 'ocsf');

/** `--ou`, `--account` and `--policy`: every report of per-account data takes them. */
function addAccountOptions(cmd: Command): Command {
  return cmd
    .option(
      '--ou <unit>',
      'only the accounts of this unit of the policy’s organization.units; repeatable',
      collect,
    )
    .option('--account <id>', 'only this 12-digit account; repeatable', collect)
    .option(
      '--policy <file>',
      'the policy file whose organization.units name the units (default: the one the local store is bound to)',
    );
}

function addCommonOptions(
  cmd: Command,
  formats: readonly OutputFormat[] = REPORT_FORMATS,
  perAccount = true,
): Command {
  return addOutputOptions(perAccount ? addAccountOptions(cmd) : cmd, formats)
    .option('--region <region>', 'read the tables of a deployed stack in this AWS region')
    .option('--profile <name>', 'AWS profile for the deployed stack (default: the SDK default chain)')
    .option('--stack <name>', 'CloudFormation stack whose outputs name the tables (e.g. NhiGov)')
    .option('--decisions-table <name>', 'decisions table name (overrides the stack output)')
    .option('--executions-table <name>', 'executions table name (overrides the stack output)')
    .option('--findings-table <name>', 'findings table name (overrides the stack output)')
    .option('--endpoint-url <url>', 'another DynamoDB endpoint for the deployed tables')
    .option('--hub', 'read the organization hub’s tables (nhi-gov-decisions, nhi-gov-org-events)')
    .option('--org-events-table <name>', 'the hub’s org-events table (implies --hub)')
    .option(
      '--as-of <timestamp>',
      'report as of this time instead of now (ages, windows; e.g. a scan’s --as-of)',
    );
}

const failOnOption = addFailOnOption;

const windowOptions = (cmd: Command, what: string) =>
  cmd
    .option('--since <when>', `start of the window: 30d, 12h, 8w, a day or a timestamp (default 30d) ${what}`)
    .option('--until <when>', 'end of the window (default now)');

type ScopedOptions = CommonOptions & { ou?: string[]; account?: string[]; policy?: string };

/**
 * Runs `fn` on the embedded store, a deployed stack or an organization hub, as the options ask, with
 * the sources narrowed to the accounts of `--account`/`--ou` when given (units from `--policy`, else
 * the local store's bound policy).
 */
async function withStores<T>(
  io: CliIo,
  options: ScopedOptions,
  fn: (sources: ReportSources) => Promise<T>,
): Promise<T> {
  const fromFile = requestedPolicy(io, options.policy);
  const unitsOf = (policy: typeof fromFile): OrganizationUnits => policy?.document.organization?.units ?? {};
  const scoped = async (sources: ReportSources, units: OrganizationUnits) => {
    if (!wantsScope(options)) return fn(sources);
    const scanned = sources.scans ? (await sources.scans.listLatestScans()).map((s) => s.accountId) : [];
    const accounts = resolveScope(options, units, scanned) as string[];
    return fn(scopedSources(sources, accounts));
  };
  if (wantsHub(options as HubOptions)) {
    const units = unitsOf(fromFile);
    const expected = Object.values(units).flat();
    return withHubTables(options as HubOptions, async (client, names) => {
      const all = hubReportSources(client, names, { accounts: expected });
      if (!wantsScope(options)) return fn(all);
      // Narrowed: only the partitions of the accounts asked for are read.
      const accounts = resolveScope(options, units, await all.orgEvents.accounts()) as string[];
      return fn(scopedSources(hubReportSources(client, names, { only: accounts }), accounts));
    });
  }
  const run = async (stores: Stores, local: boolean) =>
    scoped(
      reportSources(stores),
      unitsOf(fromFile ?? (local && wantsScope(options) ? await currentPolicy(stores) : undefined)),
    );
  if (wantsRemote(options)) return withRemoteStores(options as RemoteOptions, (stores) => run(stores, false));
  return withLocalStores(io, (stores) => run(stores, true));
}

/** Writes the report where it was asked for, then applies `--fail-on`. */
function deliver(io: CliIo, report: AnyReport, options: CommonOptions & { failOn?: Severity }): void {
  deliverOutput(io, renderReport(report, options.format, io.now()), options.output);
  enforceFailOn(io, gateSeverities(report as GateableReport), options.failOn);
}

type Read = (sources: ReportSources, progress: ProgressFn) => Promise<AnyReport>;

/**
 * Validates the options and plans the read before any store is opened (so bad input never starts
 * DynamoDB Local or calls AWS), reads the report with progress on a terminal, and delivers it.
 */
async function runReport<K extends ReportOptionsKind>(
  io: CliIo,
  kind: K,
  raw: Record<string, unknown>,
  plan: (options: ReturnType<typeof parseReportOptions<K>>) => Read,
): Promise<void> {
  const options = parseReportOptions(kind, raw);
  // Before any store is opened: a report without an OCSF form refuses `--format ocsf` here.
  formatOf(options.format, `nhi-gov report ${kind}`, kind === 'findings' ? OUTPUT_FORMATS : REPORT_FORMATS);
  const read = plan(options);
  const progress = terminalProgress(io, `report ${kind}`);
  let report: AnyReport;
  try {
    report = await withStores(io, options, (sources) => read(sources, progress.update));
  } catch (error) {
    // An audit of an unknown decision or campaign is a mistake in the input, not a failure: exit 2.
    if (error instanceof NotFoundError) throw new UsageError(error.message);
    throw error;
  } finally {
    progress.done();
  }
  deliver(io, report, options as CommonOptions & { failOn?: Severity });
}

const SCAN_INTERVAL_FLAG = '--scan-interval <hours>';
const SCAN_INTERVAL_HELP =
  'how often scans run (default 24, the deployed daily schedule): an older last scan is flagged';

const examples = (...lines: string[]) =>
  `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n${STORE_HELP}`;

/** `nhi-gov report <kind>`: the reports security teams run against the local store or a deployed stack. */
export const registerReport: RegisterCommand = (program, io) => {
  const report = program
    .command('report')
    .description(
      'reports for security teams: findings, drift, exceptions, reviews, provisioning, violations, audit',
    )
    .addHelpText(
      'after',
      examples(
        'nhi-gov report findings',
        'nhi-gov report drift --format html -o drift.html',
        'nhi-gov report overview --format html -o nhi-gov.html',
        'nhi-gov report findings --stack NhiGov --region eu-west-1 --fail-on high',
      ),
    );
  // `--as-of` moves "now" for ages and windows, e.g. to match a scan run with --as-of.
  const nowOf = (o: { asOf?: string | undefined }) => (o.asOf ? new Date(o.asOf) : io.now());

  failOnOption(
    windowOptions(
      addCommonOptions(
        report
          .command('findings')
          .description('open findings by type, severity, owner and age, with their trend over time'),
        OUTPUT_FORMATS,
      ),
      'for the trend',
    ),
  )
    .option('--status <status>', 'findings in this status: open, suppressed or resolved (default open)')
    .option('--owner <owner>', 'only this owner’s findings')
    .option('--type <type>', 'only findings of this type (e.g. unrotated-access-key)')
    .option('--min-severity <severity>', `only findings at or above this severity (${SEVERITY_VALUES})`)
    .option(SCAN_INTERVAL_FLAG, SCAN_INTERVAL_HELP)
    .addHelpText(
      'after',
      examples(
        'nhi-gov report findings',
        'nhi-gov report findings --owner team-payments --min-severity high',
        'nhi-gov report findings --account 111122223333 --type unrotated-access-key',
        'nhi-gov report findings --format csv -o findings.csv',
        'nhi-gov report findings --status resolved --format ocsf -o resolved.ocsf.jsonl',
        "nhi-gov report findings --format json | jq '.byType'",
        'nhi-gov report findings --fail-on high    # CI gate: exit 1 on high or critical',
      ),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(io, 'findings', raw, (o) => {
        const query = {
          window: windowOf(o, nowOf(o)),
          status: o.status,
          scanIntervalHours: o.scanInterval,
          ...(o.owner ? { owner: o.owner } : {}),
          ...(o.type ? { type: o.type } : {}),
          ...(o.minSeverity ? { minSeverity: o.minSeverity } : {}),
          // --account/--ou narrow the sources (withStores): one account is read by its index keys.
          ...(o.account?.length === 1 && !o.ou ? { account: o.account[0] } : {}),
        };
        return (sources, progress) => findingsReport(sources, query, { now: nowOf(o), progress });
      }),
    );

  failOnOption(
    windowOptions(
      addCommonOptions(
        report
          .command('drift')
          .description(
            'every IAM change with its execution record, decision, approvers and policy version, and every change with none',
          ),
      ),
      'for the changes',
    ),
  )
    .option(
      '--identity <identity>',
      'only this identity (role/<name>, user/<name> or an IAM ARN); repeatable',
      collect,
    )
    .addHelpText(
      'after',
      examples(
        'nhi-gov report drift',
        'nhi-gov report drift --since 90d --identity role/payments-batch',
        'nhi-gov report drift --fail-on critical   # exit 1 when a change has no approved decision',
      ),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(io, 'drift', raw, (o) => {
        const query = {
          window: windowOf(o, nowOf(o)),
          identities: o.identity ? o.identity.map((i) => identityKey(parseIdentity(i))) : null,
        };
        return (sources, progress) => driftReport(sources, query, { now: nowOf(o), progress });
      }),
    );

  addCommonOptions(
    report
      .command('exceptions')
      .description('active and expired exceptions by owner, days to expiry and age'),
  )
    .option('--expiring-within <days>', 'count active exceptions expiring within this many days (default 14)')
    .addHelpText(
      'after',
      examples('nhi-gov report exceptions', 'nhi-gov report exceptions --expiring-within 30 --format csv'),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(
        io,
        'exceptions',
        raw,
        (o) => (sources, progress) =>
          exceptionsReport(sources, { expiringWithinDays: o.expiringWithin }, { now: nowOf(o), progress }),
      ),
    );

  windowOptions(
    addCommonOptions(
      report
        .command('reviews')
        .description('certification completion per campaign, and overdue review items'),
    ),
    'for closed campaigns',
  )
    .option('--campaign <id>', 'only this campaign')
    .addHelpText(
      'after',
      examples('nhi-gov report reviews', 'nhi-gov report reviews --campaign 01JH0Z8Q3M4X'),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(io, 'reviews', raw, (o) => {
        const query = { window: windowOf(o, nowOf(o)), ...(o.campaign ? { campaignId: o.campaign } : {}) };
        return (sources, progress) => reviewsReport(sources, query, { now: nowOf(o), progress });
      }),
    );

  windowOptions(
    addCommonOptions(
      report
        .command('provisioning')
        .description('time from approval to grant and from revoke to removal: median, p95, worst, per kind'),
    ),
    '',
  )
    .addHelpText(
      'after',
      examples(
        'nhi-gov report provisioning',
        'nhi-gov report provisioning --since 2026-01-01 --format html -o latency.html',
      ),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(io, 'provisioning', raw, (o) => {
        const query = { window: windowOf(o, nowOf(o)) };
        return (sources, progress) => provisioningReport(sources, query, { now: nowOf(o), progress });
      }),
    );

  failOnOption(
    windowOptions(
      addCommonOptions(
        report
          .command('violations')
          .description('separation-of-duties refusals, policy denials, forged events and unapproved access'),
      ),
      '',
    ),
  )
    .addHelpText(
      'after',
      examples('nhi-gov report violations', 'nhi-gov report violations --since 7d --format json'),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(io, 'violations', raw, (o) => {
        const query = { window: windowOf(o, nowOf(o)) };
        return (sources, progress) => violationsReport(sources, query, { now: nowOf(o), progress });
      }),
    );

  failOnOption(
    addCommonOptions(
      report
        .command('audit')
        .argument(
          '<decision-id|identity>',
          'a decision id, or an identity: role/<name>, user/<name> or an IAM ARN',
        )
        .description(
          'the full trail of one decision or one identity: decisions, approvals, refusals, executions, findings',
        ),
      REPORT_FORMATS,
      false,
    ),
  )
    .addHelpText(
      'after',
      examples(
        'nhi-gov report audit 01JH0Z8Q3M4XK2V7T9B6C5D4E3',
        'nhi-gov report audit arn:aws:iam::111122223333:role/nhi/payments-batch',
        'nhi-gov report audit user/ci-deploy --format json',
      ),
    )
    .action(async (subject: string, raw: Record<string, unknown>) =>
      runReport(io, 'audit', raw, (o) => {
        const target = Id.safeParse(subject).success
          ? { decisionId: subject }
          : { identityKey: identityKey(parseIdentity(subject)) };
        return (sources, progress) => auditReport(sources, target, { now: nowOf(o), progress });
      }),
    );

  failOnOption(
    windowOptions(
      addCommonOptions(
        report
          .command('overview')
          .description(
            'findings, exceptions, provisioning, violations and reviews on one page (best as --format html)',
          ),
      ),
      '',
    ),
  )
    .option('--expiring-within <days>', 'count active exceptions expiring within this many days (default 14)')
    .option(SCAN_INTERVAL_FLAG, SCAN_INTERVAL_HELP)
    .addHelpText(
      'after',
      examples(
        'nhi-gov report overview --format html -o nhi-gov.html',
        'nhi-gov report overview --as-of 2026-03-01T00:00:00Z --format html -o march.html',
      ),
    )
    .action(async (raw: Record<string, unknown>) =>
      runReport(io, 'overview', raw, (o) => {
        const query = {
          window: windowOf(o, nowOf(o)),
          expiringWithinDays: o.expiringWithin,
          scanIntervalHours: o.scanInterval,
        };
        return (sources, progress) => overviewReport(sources, query, { now: nowOf(o), progress });
      }),
    );

  registerOrganizationReport(report, io);
};
