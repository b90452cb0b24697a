import type { Command } from 'commander';
import * as z from 'zod';
import { hubReportSources } from '../../adapters/dynamodb/hub-report-sources.js';
import { DynamoScanLog } from '../../adapters/dynamodb/scan-log.js';
import type { OrganizationUnits } from '../../domain/organization.js';
import type { Policy } from '../../domain/policy/schema.js';
import { SEVERITIES_WORST_FIRST } from '../../domain/reports/common.js';
import {
  type AccountRow,
  type OrganizationReport,
  type OrganizationSources,
  organizationReport,
} from '../../domain/reports/organization.js';
import type { CliIo } from '../io.js';
import { type Stores, withLocalStores } from '../local-store.js';
import { addOutputOptions, deliverOutput, formatOf, parseCliOptions } from '../options.js';
import { type Column, type OutputFormat, renderCsv, renderJson, renderTable } from '../output.js';
import { currentPolicy, requestedPolicy } from '../policy-binding.js';
import {
  type HubOptions,
  type RemoteOptions,
  wantsHub,
  wantsRemote,
  withHubTables,
  withRemoteStores,
} from '../remote-store.js';
import { CommonOptions, windowOf } from '../report/options.js';
import { terminalProgress } from '../report/progress.js';
import { resolveScope, ScopeOptions, wantsScope } from '../report/scope.js';

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];
const collect = (value: string, previous: string[] = []) => [...previous, value];

const OrganizationOptions = CommonOptions.extend({
  ...ScopeOptions,
  since: z.string().optional(),
  until: z.string().optional(),
  scanInterval: z.coerce
    .number({ message: 'must be a number of hours' })
    .positive('must be a number of hours above 0')
    .max(8760, 'must be at most 8760 hours (a year)')
    .optional(),
  expiringWithin: z.coerce.number().int().min(0).max(3650).default(14),
});

const hours = (ms: number | null) => (ms === null ? '-' : `${(ms / 3_600_000).toFixed(1)} h`);

const COLUMNS: Column<AccountRow>[] = [
  { header: 'account', value: (r) => r.accountId },
  { header: 'units', value: (r) => r.units.join(' ') },
  { header: 'open', value: (r) => r.openFindings },
  ...SEVERITIES_WORST_FIRST.map((s) => ({ header: s, value: (r: AccountRow) => r.bySeverity[s] })),
  { header: 'drift', value: (r) => r.driftFindings },
  { header: 'suppressed', value: (r) => r.suppressedFindings },
  { header: 'exceptions', value: (r) => r.activeExceptions },
  { header: 'expiring', value: (r) => r.expiringExceptions },
  { header: 'pending', value: (r) => r.pendingDecisions },
  { header: 'reviews due', value: (r) => r.reviewsDue },
  { header: 'provisioned', value: (r) => r.provisioned },
  { header: 'failed', value: (r) => r.provisioningFailed },
  { header: 'median latency', value: (r) => hours(r.provisioningMedianMs) },
  { header: 'last scan as of', value: (r) => r.lastScanAsOf ?? 'never' },
  { header: 'stale', value: (r) => r.staleReason ?? '' },
];

/** The organization report as text: the totals, the stale accounts, then one row per account. */
export function renderOrganizationText(report: OrganizationReport): string {
  const t = report.totals;
  const lines = [
    'Organization',
    '============',
    `${t.accounts} account(s), ${t.openFindings} open finding(s), ${t.driftFindings} drift, ${t.activeExceptions} active exception(s), ${t.pendingDecisions} pending decision(s); ${t.staleAccounts} stale account(s)`,
    '',
    `  as of:            ${report.asOf}`,
    `  window:           ${report.window.since} .. ${report.window.until}`,
    `  scan interval:    ${report.scanIntervalHours} h`,
    `  median latency:   ${hours(report.provisioningMedianMs)}`,
    `  stale accounts:   ${report.stale.length ? report.stale.join(', ') : 'none'}`,
    '',
    renderTable(report.accounts, COLUMNS).trimEnd(),
  ];
  return `${lines.join('\n')}\n`;
}

function render(report: OrganizationReport, format: OutputFormat, generatedAt: Date): string {
  if (format === 'json') {
    const { report: kind, asOf, ...fields } = report;
    return renderJson({ report: kind, generatedAt: generatedAt.toISOString(), asOf, ...fields });
  }
  if (format === 'csv') return renderCsv(report.accounts, COLUMNS);
  return renderOrganizationText(report);
}

/** The organization report's sources: an organization hub's tables, a deployed stack's, or the embedded store's. */
async function withSources<T>(
  io: CliIo,
  options: CommonOptions,
  extraAccounts: readonly string[],
  fn: (
    sources: OrganizationSources,
    stores: Stores | undefined,
    narrow?: (accounts: readonly string[]) => OrganizationSources,
  ) => Promise<T>,
) {
  if (wantsHub(options as HubOptions))
    return withHubTables(options as HubOptions, (client, names) =>
      fn(hubReportSources(client, names, { accounts: extraAccounts }), undefined, (only) =>
        hubReportSources(client, names, { only }),
      ),
    );
  const local = (stores: Stores) =>
    fn(
      {
        findings: stores.findings,
        decisions: stores.decisions,
        executions: stores.executions,
        scans: new DynamoScanLog(stores.doc, stores.names.findings),
      },
      stores,
    );
  if (wantsRemote(options)) return withRemoteStores(options as RemoteOptions, local);
  return withLocalStores(io, local);
}

/** `nhi-gov report organization`: one row per account, the organization's totals, stale accounts. */
export function registerOrganizationReport(report: Command, io: CliIo): void {
  addOutputOptions(
    report
      .command('organization')
      .alias('org')
      .description(
        'the organization-wide view: per account (and organizational unit) findings, drift, exceptions, pending decisions and reviews, provisioning, last scan; stale accounts named',
      ),
    FORMATS,
  )
    .option(
      '--ou <unit>',
      'only the accounts of this unit of the policy’s organization.units; repeatable',
      collect,
    )
    .option('--account <id>', 'only this account; repeatable', collect)
    .option(
      '--policy <file>',
      'the policy file whose organization.units name the units (default: the one the local store is bound to)',
    )
    .option('--since <when>', 'start of the provisioning window (default 30d)')
    .option('--until <when>', 'end of the window (default now)')
    .option(
      '--scan-interval <hours>',
      'an account whose last scan is older is stale (default: the policy’s organization.scanIntervalHours, else 24)',
    )
    .option('--expiring-within <days>', 'count exceptions expiring within this many days (default 14)')
    .option('--region <region>', 'read the tables of a deployed stack in this AWS region')
    .option('--profile <name>', 'AWS profile for the deployed stack')
    .option('--stack <name>', 'CloudFormation stack whose outputs name the tables')
    .option('--decisions-table <name>', 'decisions table name')
    .option('--executions-table <name>', 'executions table name')
    .option('--findings-table <name>', 'findings table name')
    .option('--endpoint-url <url>', 'another DynamoDB endpoint for the deployed tables')
    .option('--hub', 'read the organization hub’s tables (nhi-gov-decisions, nhi-gov-org-events)')
    .option('--org-events-table <name>', 'the hub’s org-events table (implies --hub)')
    .option('--as-of <timestamp>', 'report as of this time instead of now')
    .addHelpText(
      'after',
      `
Examples:
  $ nhi-gov report organization
  $ nhi-gov report organization --ou ou-prod --format csv -o prod.csv
  $ nhi-gov report org --account 111111111111 --account 222222222222 --format json
  $ nhi-gov report organization --hub --region eu-west-1 --policy policy.yaml --ou ou-prod

Exit codes: 0 ok, 2 usage or input error (an unknown --ou or --account), 3 unexpected error.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseCliOptions(OrganizationOptions, raw);
      const format = formatOf(o.format, 'nhi-gov report organization', FORMATS);
      const now = o.asOf ? new Date(o.asOf) : io.now();
      const window = windowOf(o, now);
      const fromFile = requestedPolicy(io, o.policy);
      const progress = terminalProgress(io, 'report organization');
      let result: OrganizationReport;
      try {
        const fileUnits = fromFile?.document.organization?.units ?? {};
        result = await withSources(
          io,
          o,
          Object.values(fileUnits).flat(),
          async (sources, stores, narrow) => {
            const policy: Policy | undefined =
              fromFile ?? (stores && !wantsRemote(o) ? await currentPolicy(stores) : undefined);
            const units: OrganizationUnits = policy?.document.organization?.units ?? {};
            const scanned = wantsScope(o)
              ? (await sources.scans.listLatestScans()).map((s) => s.accountId)
              : [];
            const accounts = resolveScope(o, units, scanned);
            return organizationReport(
              accounts && narrow ? narrow(accounts) : sources,
              {
                units,
                ...(accounts ? { accounts } : {}),
                scanIntervalHours: o.scanInterval ?? policy?.document.organization?.scanIntervalHours ?? 24,
                expiringWithinDays: o.expiringWithin,
                window,
              },
              { now, progress: progress.update },
            );
          },
        );
      } finally {
        progress.done();
      }
      deliverOutput(io, render(result, format, io.now()), o.output);
    });
}
