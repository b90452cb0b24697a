import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { readSnapshot } from '../../adapters/snapshot/read-snapshot.js';
import { loadPolicyFile } from '../../config/policy-file.js';
import type { Campaign, ReviewItem } from '../../domain/certification.js';
import type { Decision } from '../../domain/decision.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { type Governance, publicDecision } from '../../domain/governance/index.js';
import type { IamInventory } from '../../domain/inventory.js';
import { governanceCliPolicy, localGovernance } from '../governance-context.js';
import type { CliIo } from '../io.js';
import { withLocalStores } from '../local-store.js';
import { renderJson } from '../output.js';

interface CommonOptions {
  as: string;
  format: 'text' | 'json';
  policy?: string;
}

const formatOption = () =>
  new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
const asOption = () =>
  new Option(
    '--as <principalArn>',
    'local mode only: the IAM principal you act as (the deployed API takes it from IAM authentication)',
  ).makeOptionMandatory();
const policyOption = () => new Option('--policy <file>', 'policy file (default: policy/default.yaml)');

function readJsonFile(io: CliIo, file: string): unknown {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ValidationError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? cause}`, [
      { path: file, message: 'cannot be read' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`${file} is not valid JSON: ${(cause as Error).message}`, [
      { path: file, message: 'not valid JSON' },
    ]);
  }
}

/** Runs a governance use case on the embedded store with the chosen policy and the CLI's clock. */
async function withGovernance<T>(io: CliIo, opts: { policy?: string }, fn: (gov: Governance) => Promise<T>) {
  const policy = opts.policy ? loadPolicyFile(resolve(io.cwd, opts.policy)) : governanceCliPolicy();
  return withLocalStores(io, (stores) => fn(localGovernance(stores, policy, { now: io.now })));
}

/** One readable paragraph per decision: what, its state, and who decided. */
export function describeDecision(d: Decision): string {
  const lines = [
    `decision ${d.id}  ${d.kind} ${d.identityKey}  ${d.status.toUpperCase()}  (version ${d.version})`,
    `  requester ${d.requester}  owner ${d.owner}  source ${d.source}`,
    `  tier ${d.tier}: ${d.approvals.length} approval(s) of ${d.requiredApprovals} required  policy ${d.policyVersion.slice(0, 19)}`,
    ...d.approvals.map((a) => `  approved by ${a.approver} at ${a.at} (${a.basis})`),
  ];
  if (d.expiresAt) lines.push(`  expires ${d.expiresAt}`);
  if (d.reviewDueAt)
    lines.push(`  review due ${d.reviewDueAt}${d.reviewedBy ? `, reviewed by ${d.reviewedBy}` : ''}`);
  if (d.revokes) lines.push(`  revokes ${d.revokes}`);
  if (d.renewalOf) lines.push(`  renews ${d.renewalOf}`);
  if (d.statusReason) lines.push(`  reason: ${d.statusReason}`);
  return `${lines.join('\n')}\n`;
}

function printDecision(io: CliIo, format: CommonOptions['format'], d: Decision) {
  io.stdout.write(format === 'json' ? renderJson(publicDecision(d)) : describeDecision(d));
}

function describeCampaign(c: Campaign, items: readonly ReviewItem[]): string {
  return `${[
    `campaign ${c.id}  "${c.name}"  ${c.status.toUpperCase()}  ${c.completedCount}/${c.itemCount} reviewed, due ${c.dueAt}`,
    ...items.map(
      (i) =>
        `  item ${i.itemId}  ${i.identityKey}  ${i.entitlementKey}  ${i.outcome}${i.reviewer ? ` by ${i.reviewer}` : ''}${i.revokeDecisionId ? ` -> revoke ${i.revokeDecisionId}` : ''}`,
    ),
  ].join('\n')}\n`;
}

/**
 * The IAM snapshot a campaign also covers, when `--gaad` is given.
 * @throws ValidationError for `--credential-report` without `--gaad`, or an unreadable or invalid file.
 */
async function campaignInventory(
  io: CliIo,
  opts: { gaad?: string; credentialReport?: string },
): Promise<IamInventory | undefined> {
  if (opts.credentialReport && !opts.gaad)
    throw new ValidationError('--credential-report needs --gaad: the snapshot is the GAAD file', [
      { path: '--credential-report', message: 'given without --gaad' },
    ]);
  if (!opts.gaad) return undefined;
  return readSnapshot({
    gaadPath: resolve(io.cwd, opts.gaad),
    ...(opts.credentialReport ? { credentialReportPath: resolve(io.cwd, opts.credentialReport) } : {}),
  });
}

function actCommand(
  program: Command,
  io: CliIo,
  name: 'approve' | 'reject' | 'cancel' | 'revoke',
  summary: string,
) {
  program
    .command(`${name} <id>`)
    .description(summary)
    .addOption(asOption())
    .option('--note <text>', 'a note for the decision history')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(async (id: string, opts: CommonOptions & { note?: string }) => {
      const d = await withGovernance(io, opts, (gov) =>
        gov[name]({ id, actor: opts.as, ...(opts.note ? { note: opts.note } : {}) }),
      );
      printDecision(io, opts.format, d);
    });
}

/** `nhi-gov request|approve|reject|cancel|revoke|review|decision|exception|campaign` in local mode. */
export function registerGovernance(program: Command, io: CliIo): void {
  program
    .command('request')
    .description(
      'submit a request (grant, revoke, create-identity, delete-identity, rotate, break-glass, exception) from a JSON file; see docs/schemas/request.schema.json',
    )
    .addOption(asOption())
    .requiredOption('--file <request.json>', 'the request, as JSON')
    .option('--idempotency-key <key>', 'submitting again with the same key returns the first decision')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(async (opts: CommonOptions & { file: string; idempotencyKey?: string }) => {
      const request = readJsonFile(io, opts.file);
      const d = await withGovernance(io, opts, (gov) =>
        gov.submit({
          request,
          requester: opts.as,
          source: 'cli',
          ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        }),
      );
      printDecision(io, opts.format, d);
    });

  actCommand(
    program,
    io,
    'approve',
    'approve a pending decision (you may not approve your own request, nor as an operator)',
  );
  actCommand(program, io, 'reject', 'reject a pending decision');
  actCommand(program, io, 'cancel', 'cancel your own pending request');
  actCommand(program, io, 'revoke', 'revoke an approved grant, break-glass activation or exception');

  program
    .command('review <id>')
    .description('review a break-glass activation after the fact (someone other than who activated it)')
    .addOption(asOption())
    .addOption(
      new Option('--outcome <outcome>', 'confirm, or revoke if still active')
        .choices(['confirm', 'revoke'])
        .makeOptionMandatory(),
    )
    .option('--note <text>', 'a note for the decision history')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(async (id: string, opts: CommonOptions & { outcome: 'confirm' | 'revoke'; note?: string }) => {
      const d = await withGovernance(io, opts, (gov) =>
        gov.review({ id, actor: opts.as, outcome: opts.outcome, ...(opts.note ? { note: opts.note } : {}) }),
      );
      printDecision(io, opts.format, d);
    });

  program
    .command('decision')
    .description('read decisions')
    .command('show <id>')
    .description('show one decision')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: CommonOptions['format'] }) => {
      const d = await withGovernance(io, {}, (gov) => gov.get(id));
      if (!d) throw new NotFoundError(`decision ${id} does not exist`);
      printDecision(io, opts.format, d);
    });

  const exception = program
    .command('exception')
    .description('exceptions: risk acceptance with an owner and an expiry');
  exception
    .command('request')
    .description('request an exception from a JSON file (kind may be omitted)')
    .addOption(asOption())
    .requiredOption('--file <exception.json>', 'the exception request, as JSON')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(async (opts: CommonOptions & { file: string }) => {
      const body = readJsonFile(io, opts.file);
      const d = await withGovernance(io, opts, (gov) =>
        gov.requestException({ body, requester: opts.as, source: 'cli' }),
      );
      printDecision(io, opts.format, d);
    });
  exception
    .command('approve <id>')
    .description('approve a pending exception')
    .addOption(asOption())
    .option('--note <text>', 'a note for the decision history')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(async (id: string, opts: CommonOptions & { note?: string }) => {
      const d = await withGovernance(io, opts, (gov) =>
        gov.approve({ id, actor: opts.as, ...(opts.note ? { note: opts.note } : {}) }),
      );
      printDecision(io, opts.format, d);
    });
  exception
    .command('renew <id>')
    .description('renew an exception: a new decision that references the old one')
    .addOption(asOption())
    .requiredOption('--expires-at <timestamp>', 'new expiry, ISO-8601 UTC (e.g. 2026-06-30T00:00:00Z)')
    .requiredOption('--justification <text>', 'why the exception is still needed')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(async (id: string, opts: CommonOptions & { expiresAt: string; justification: string }) => {
      const d = await withGovernance(io, opts, (gov) =>
        gov.renewException({
          id,
          requester: opts.as,
          source: 'cli',
          body: { expiresAt: opts.expiresAt, justification: opts.justification },
        }),
      );
      printDecision(io, opts.format, d);
    });

  const campaign = program
    .command('campaign')
    .description('certification campaigns: periodic re-review of access');
  campaign
    .command('start')
    .description(
      'start a campaign over the in-force grants and created identities in the store, and with --gaad every identity under the managed path in that IAM snapshot',
    )
    .addOption(asOption())
    .requiredOption('--name <name>', 'campaign name')
    .option('--identities <globs>', 'comma-separated identity keys or globs, e.g. role/payments-*')
    .option('--due-days <days>', 'days until items are overdue (default: the policy)', Number)
    .option(
      '--gaad <file>',
      'IAM snapshot (aws iam get-account-authorization-details): identities under the managed path are in scope even without a decision',
    )
    .option('--credential-report <file>', 'the credential report CSV of the same account (needs --gaad)')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(
      async (
        opts: CommonOptions & {
          name: string;
          identities?: string;
          dueDays?: number;
          gaad?: string;
          credentialReport?: string;
        },
      ) => {
        const body = {
          name: opts.name,
          scope: opts.identities ? { identities: opts.identities.split(',').map((s) => s.trim()) } : {},
          ...(opts.dueDays !== undefined ? { dueDays: opts.dueDays } : {}),
        };
        // The snapshot is read before the store starts: a bad file costs nothing and writes nothing.
        const inventory = await campaignInventory(io, opts);
        const result = await withGovernance(io, opts, (gov) =>
          gov.startCampaign({ body, createdBy: opts.as, ...(inventory ? { inventory } : {}) }),
        );
        io.stdout.write(
          opts.format === 'json' ? renderJson(result) : describeCampaign(result.campaign, result.items),
        );
      },
    );
  campaign
    .command('review <campaignId> <itemId>')
    .description('keep or revoke one item; revoke files a revoke request through governance')
    .addOption(asOption())
    .addOption(
      new Option('--outcome <outcome>', 'keep or revoke').choices(['keep', 'revoke']).makeOptionMandatory(),
    )
    .option('--note <text>', 'why')
    .addOption(formatOption())
    .addOption(policyOption())
    .action(
      async (
        campaignId: string,
        itemId: string,
        opts: CommonOptions & { outcome: string; note?: string },
      ) => {
        const result = await withGovernance(io, opts, (gov) =>
          gov.reviewCampaignItem({
            campaignId,
            itemId,
            reviewer: opts.as,
            body: { outcome: opts.outcome, ...(opts.note ? { note: opts.note } : {}) },
          }),
        );
        if (opts.format === 'json') {
          io.stdout.write(
            renderJson({
              ...result,
              ...(result.revokeDecision ? { revokeDecision: publicDecision(result.revokeDecision) } : {}),
            }),
          );
        } else {
          io.stdout.write(describeCampaign(result.campaign, [result.item]));
          if (result.revokeDecision) io.stdout.write(describeDecision(result.revokeDecision));
        }
      },
    );
  campaign
    .command('show <id>')
    .description('show a campaign and its items')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: CommonOptions['format'] }) => {
      const result = await withGovernance(io, {}, (gov) => gov.getCampaign(id));
      io.stdout.write(
        opts.format === 'json' ? renderJson(result) : describeCampaign(result.campaign, result.items),
      );
    });
}
