import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { readSnapshot } from '../../adapters/snapshot/read-snapshot.js';
import { SnapshotPolicyDocuments } from '../../adapters/snapshot/snapshot-documents.js';
import { BOUNDS, parseNote } from '../../domain/bounds.js';
import type { Campaign, ReviewItem } from '../../domain/certification.js';
import type { Decision } from '../../domain/decision.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { parseId } from '../../domain/governance/deps.js';
import { type Governance, publicDecision, StartCampaignBody } from '../../domain/governance/index.js';
import { parseCaller } from '../../domain/governance/principals.js';
import { requestsPerAccount } from '../../domain/governance/submit-accounts.js';
import type { IamInventory } from '../../domain/inventory.js';
import { DecisionRequest, ExceptionRequest } from '../../domain/request.js';
import { parseOrThrow } from '../../domain/validation.js';
import type { PolicyDocumentReader } from '../../ports/policy-documents.js';
import { localGovernance } from '../governance-context.js';
import type { CliIo } from '../io.js';
import { type Stores, withLocalStores } from '../local-store.js';
import {
  addOutputOptions,
  asOption,
  deliverOutput,
  examples,
  formatOf,
  parseCliOptions,
} from '../options.js';
import { renderJson } from '../output.js';
import { boundPolicy, requestedPolicy } from '../policy-binding.js';
import { withCliAccounts, withDefaultAccount } from '../request-account.js';

interface CommonOptions {
  as: string;
  format?: string;
  output?: string;
  policy?: string;
}

/** Governance commands print one decision or campaign: readable text (`table`) or JSON. */
const GOVERNANCE_FORMATS = ['table', 'json'] as const;

/** `-f, --format` and `-o, --output`, as on every command. */
const withOutput = (cmd: Command) => addOutputOptions(cmd, GOVERNANCE_FORMATS);

/**
 * Checks `--format` before the store starts, and returns how to print the result.
 * @throws ValidationError / UsageError naming `--format`.
 */
function outputOf(io: CliIo, opts: { format?: unknown; output?: string }, what: string) {
  const format = formatOf(opts.format, what, GOVERNANCE_FORMATS);
  return (json: unknown, text: string) =>
    deliverOutput(io, format === 'json' ? renderJson(json) : text, opts.output);
}

const ACT_HELP = `
--as names who acts: in local mode you say it; the deployed API takes it from IAM authentication.
Exit codes: 0 ok, 2 usage or input error (also an unknown id), 3 refused (separation of duties,
policy) or unexpected error. See docs/governance.md and docs/cli.md.`;

const policyOption = () =>
  new Option(
    '--policy <file>',
    'must be the policy the local store is bound to (binds a new store; change it with `nhi-gov policy set`)',
  );

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

/**
 * Checks what the command line was given (the `--as` principal, `--note`, ids) before the store starts:
 * bad input costs no DynamoDB Local start and writes nothing.
 */
/** `request`'s own flags, checked before the store starts (the use case checks the same bound again). */
const RequestOptions = z.strictObject({
  idempotencyKey: z
    .string()
    .min(1)
    .max(BOUNDS.idempotencyKeyLength, `must be at most ${BOUNDS.idempotencyKeyLength} characters`)
    .optional(),
});

function checkArgs(opts: { as?: string; note?: string }, ids: Readonly<Record<string, string>> = {}): void {
  if (opts.as !== undefined) parseCaller(opts.as, '--as');
  parseNote(opts.note);
  for (const [what, id] of Object.entries(ids)) parseId(id, what);
}

/**
 * Runs a governance use case on the embedded store under the policy the store is bound to, with the
 * CLI's clock. `--as` is parsed strictly and a `--policy` file read before the store starts, so bad
 * input writes nothing; a `--policy` other than the bound one is refused (see policy-binding.ts).
 */
async function withGovernance<T>(
  io: CliIo,
  opts: { policy?: string; as?: string },
  fn: (gov: Governance, stores: Stores) => Promise<T>,
  command = 'governance',
  documents?: PolicyDocumentReader,
) {
  const actor = opts.as === undefined ? undefined : parseCaller(opts.as, '--as');
  const requested = requestedPolicy(io, opts.policy);
  return withLocalStores(io, async (stores) => {
    const policy = await boundPolicy(stores, {
      ...(requested ? { requested } : {}),
      ...(actor ? { actor } : {}),
      command,
      now: io.now(),
    });
    return fn(localGovernance(stores, policy, { now: io.now }, undefined, documents), stores);
  });
}

/** The escalation analysis and pinned document of a grant, for approvers. */
function describeEscalation(d: Decision): string[] {
  const lines: string[] = [];
  if (d.tierRule) lines.push(`  tier set by ${d.tierRule}`);
  const e = d.escalation;
  if (e) {
    lines.push(
      `  escalation analysis (catalogue ${e.catalogueVersion}): ${e.analysed ? '' : 'UNANALYSABLE, '}${
        e.completes.length === 0 ? 'completes no path' : `completes ${e.completes.length} path(s)`
      }${e.heldKnown ? '' : ' (current permissions unknown)'}`,
    );
    for (const p of e.completes) {
      lines.push(`    ${p.id} [${p.certainty}]: ${p.title}`);
      for (const b of p.because) lines.push(`      ${b}`);
    }
    if (e.alreadyOpen.length > 0)
      lines.push(`    already open without this grant: ${e.alreadyOpen.join(', ')}`);
    for (const n of e.notes) lines.push(`    note: ${n}`);
  }
  if (d.pinned)
    lines.push(
      `  pinned ${d.pinned.contentHash.slice(0, 23)}${d.pinned.policyVersionId ? ` version ${d.pinned.policyVersionId}` : ''}`,
    );
  return lines;
}

/** One readable paragraph per decision: what, its state, and who decided. */
export function describeDecision(d: Decision): string {
  const lines = [
    `decision ${d.id}  ${d.kind} ${d.identityKey}${d.accountId ? ` in ${d.accountId}` : ''}  ${d.status.toUpperCase()}  (version ${d.version})`,
    `  requester ${d.requester}  owner ${d.owner ?? '(none named)'}  source ${d.source}`,
    `  tier ${d.tier}: ${d.approvals.length} approval(s) of ${d.requiredApprovals} required  policy ${d.policyVersion.slice(0, 19)}`,
    ...describeEscalation(d),
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

function printDecision(print: ReturnType<typeof outputOf>, d: Decision) {
  print(publicDecision(d), describeDecision(d));
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
    gaadLabel: '--gaad',
    ...(opts.credentialReport
      ? {
          credentialReportPath: resolve(io.cwd, opts.credentialReport),
          credentialReportLabel: '--credential-report',
        }
      : {}),
  });
}

function actCommand(
  program: Command,
  io: CliIo,
  name: 'approve' | 'reject' | 'cancel' | 'revoke',
  summary: string,
  example: string,
) {
  withOutput(
    program
      .command(`${name} <id>`)
      .usage('<id> --as <principalArn> [options]')
      .description(summary)
      .addOption(asOption())
      .option('--note <text>', 'a note for the decision history'),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov ${name} 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${example}${name === 'cancel' ? '' : " --note 'checked with the team'"}`,
        `nhi-gov ${name} 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${example} --format json | jq .status`,
      )}${ACT_HELP}`,
    )
    .action(async (id: string, opts: CommonOptions & { note?: string }) => {
      const print = outputOf(io, opts, `nhi-gov ${name}`);
      checkArgs(opts, { 'decision id': id });
      const d = await withGovernance(io, opts, (gov) =>
        gov[name]({ id, actor: opts.as, ...(opts.note ? { note: opts.note } : {}) }),
      );
      printDecision(print, d);
    });
}

const APPROVER = 'arn:aws:iam::111122223333:role/security-approver-bob';
const REQUESTER = 'arn:aws:iam::111122223333:role/team-lead-alice';

/** `nhi-gov request|approve|reject|cancel|revoke|review|decision|exception|campaign` in local mode. */
export function registerGovernance(program: Command, io: CliIo): void {
  withOutput(
    program
      .command('request')
      .usage('--as <principalArn> --file <request.json> [options]')
      .description(
        'submit a request (grant, revoke, create-identity, delete-identity, rotate, break-glass, exception) from a JSON file; see docs/schemas/request.schema.json',
      )
      .addOption(asOption())
      .addOption(
        new Option('--file <request.json>', 'the request, as JSON')
          .makeOptionMandatory()
          .helpGroup('Required:'),
      )
      .option('--idempotency-key <key>', 'submitting again with the same key returns the first decision')
      .option(
        '--account <id>',
        'an account the request is for (repeat for several: one decision per account); instead of "account"/"accounts" in the file',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option(
        '--gaad <file>',
        'IAM snapshot (get-account-authorization-details JSON) the escalation analysis reads policy documents and the identity from',
      ),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov request --as ${REQUESTER} --file request.json`,
        `nhi-gov request --as ${REQUESTER} --file request.json --idempotency-key ticket-4711 --format json | jq -r .id`,
        `nhi-gov request --as ${REQUESTER} --file grant.json --gaad gaad.json   # escalation analysis (docs/escalation.md)`,
        `nhi-gov request --as ${REQUESTER} --file grant.json --account 111111111111 --account 222222222222   # one decision per account`,
      )}${ACT_HELP}`,
    )
    .action(
      async (
        opts: CommonOptions & { file: string; idempotencyKey?: string; gaad?: string; account?: string[] },
      ) => {
        const print = outputOf(io, opts, 'nhi-gov request');
        // Checked before the store starts (and again by the use case): a bad file writes nothing.
        const raw = withCliAccounts(readJsonFile(io, opts.file), opts.account, opts.file);
        const perAccount = requestsPerAccount(raw);
        for (const r of perAccount) parseOrThrow(DecisionRequest, r, 'request');
        checkArgs(opts);
        parseCliOptions(RequestOptions, { idempotencyKey: opts.idempotencyKey });
        const inventory = await campaignInventory(io, opts);
        const several = perAccount.length > 1 || raw !== perAccount[0];
        const decisions = await withGovernance(
          io,
          opts,
          async (gov, stores) =>
            gov.submitForAccounts({
              request: several ? raw : await withDefaultAccount(stores, raw, opts.file),
              requester: opts.as,
              source: 'cli',
              ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
            }),
          'governance',
          inventory ? new SnapshotPolicyDocuments(inventory) : undefined,
        );
        if (!several && decisions[0]) printDecision(print, decisions[0]);
        else print(decisions.map(publicDecision), decisions.map(describeDecision).join(''));
      },
    );

  actCommand(
    program,
    io,
    'approve',
    'approve a pending decision (you may not approve your own request, nor as an operator)',
    APPROVER,
  );
  actCommand(program, io, 'reject', 'reject a pending decision', APPROVER);
  actCommand(program, io, 'cancel', 'cancel your own pending request', REQUESTER);
  actCommand(
    program,
    io,
    'revoke',
    'revoke an approved grant, break-glass activation or exception',
    APPROVER,
  );

  withOutput(
    program
      .command('review <id>')
      .usage('<id> --as <principalArn> --outcome <outcome> [options]')
      .description('review a break-glass activation after the fact (someone other than who activated it)')
      .addOption(asOption())
      .addOption(
        new Option('--outcome <outcome>', 'confirm, or revoke if still active')
          .choices(['confirm', 'revoke'])
          .makeOptionMandatory()
          .helpGroup('Required:'),
      )
      .option('--note <text>', 'a note for the decision history'),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov review 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${APPROVER} --outcome confirm --note 'incident INC-42'`,
        `nhi-gov review 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${APPROVER} --outcome revoke`,
      )}${ACT_HELP}`,
    )
    .action(async (id: string, opts: CommonOptions & { outcome: 'confirm' | 'revoke'; note?: string }) => {
      const print = outputOf(io, opts, 'nhi-gov review');
      checkArgs(opts, { 'decision id': id });
      const d = await withGovernance(io, opts, (gov) =>
        gov.review({ id, actor: opts.as, outcome: opts.outcome, ...(opts.note ? { note: opts.note } : {}) }),
      );
      printDecision(print, d);
    });

  const decision = program
    .command('decision')
    .description('read decisions')
    .addHelpText('after', examples('nhi-gov decision show 01JH0Z8Q3M4XK2V7T9B6C5D4E3'));
  withOutput(decision.command('show <id>').description('show one decision'))
    .addHelpText(
      'after',
      `${examples(
        'nhi-gov decision show 01JH0Z8Q3M4XK2V7T9B6C5D4E3',
        'nhi-gov decision show 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --format json | jq .approvals',
      )}
Exit codes: 0 ok, 2 usage or input error (also an unknown id), 3 unexpected error.`,
    )
    .action(async (id: string, opts: { format?: string; output?: string }) => {
      const print = outputOf(io, opts, 'nhi-gov decision show');
      checkArgs({}, { 'decision id': id });
      const d = await withGovernance(io, {}, (gov) => gov.get(id));
      if (!d) throw new NotFoundError(`decision ${id} does not exist`);
      printDecision(print, d);
    });

  const exception = program
    .command('exception')
    .description('exceptions: risk acceptance with an owner and an expiry')
    .addHelpText(
      'after',
      examples(
        `nhi-gov exception request --as ${REQUESTER} --file exception.json`,
        `nhi-gov exception approve 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${APPROVER}`,
        `nhi-gov exception renew 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${REQUESTER} --expires-at 2026-06-30T00:00:00Z --justification 'vendor fix due in Q2'`,
      ),
    );
  withOutput(
    exception
      .command('request')
      .usage('--as <principalArn> --file <exception.json> [options]')
      .description('request an exception from a JSON file (kind may be omitted)')
      .addOption(asOption())
      .addOption(
        new Option('--file <exception.json>', 'the exception request, as JSON')
          .makeOptionMandatory()
          .helpGroup('Required:'),
      ),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov exception request --as ${REQUESTER} --file exception.json`,
        `nhi-gov exception request --as ${REQUESTER} --file exception.json --format json | jq -r .id`,
      )}${ACT_HELP}`,
    )
    .action(async (opts: CommonOptions & { file: string }) => {
      const print = outputOf(io, opts, 'nhi-gov exception request');
      const body = readJsonFile(io, opts.file);
      parseOrThrow(
        ExceptionRequest,
        body && typeof body === 'object' && !('kind' in body) ? { kind: 'exception', ...body } : body,
        'exception request',
      );
      checkArgs(opts);
      const d = await withGovernance(io, opts, async (gov, stores) =>
        gov.requestException({
          body: await withDefaultAccount(stores, body, opts.file),
          requester: opts.as,
          source: 'cli',
        }),
      );
      printDecision(print, d);
    });
  withOutput(
    exception
      .command('approve <id>')
      .usage('<id> --as <principalArn> [options]')
      .description('approve a pending exception')
      .addOption(asOption())
      .option('--note <text>', 'a note for the decision history'),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov exception approve 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${APPROVER}`,
        `nhi-gov exception approve 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${APPROVER} --note 'risk owner agreed' --format json`,
      )}${ACT_HELP}`,
    )
    .action(async (id: string, opts: CommonOptions & { note?: string }) => {
      const print = outputOf(io, opts, 'nhi-gov exception approve');
      checkArgs(opts, { 'decision id': id });
      const d = await withGovernance(io, opts, (gov) =>
        gov.approve({ id, actor: opts.as, ...(opts.note ? { note: opts.note } : {}) }),
      );
      printDecision(print, d);
    });
  withOutput(
    exception
      .command('renew <id>')
      .usage('<id> --as <principalArn> --expires-at <timestamp> --justification <text> [options]')
      .description('renew an exception: a new decision that references the old one')
      .addOption(asOption())
      .addOption(
        new Option('--expires-at <timestamp>', 'new expiry, ISO-8601 UTC (e.g. 2026-06-30T00:00:00Z)')
          .makeOptionMandatory()
          .helpGroup('Required:'),
      )
      .addOption(
        new Option('--justification <text>', 'why the exception is still needed')
          .makeOptionMandatory()
          .helpGroup('Required:'),
      ),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov exception renew 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --as ${REQUESTER} --expires-at 2026-06-30T00:00:00Z --justification 'vendor fix due in Q2'`,
      )}${ACT_HELP}`,
    )
    .action(async (id: string, opts: CommonOptions & { expiresAt: string; justification: string }) => {
      const print = outputOf(io, opts, 'nhi-gov exception renew');
      checkArgs(opts, { 'decision id': id });
      const d = await withGovernance(io, opts, (gov) =>
        gov.renewException({
          id,
          requester: opts.as,
          source: 'cli',
          body: { expiresAt: opts.expiresAt, justification: opts.justification },
        }),
      );
      printDecision(print, d);
    });

  const campaign = program
    .command('campaign')
    .description('certification campaigns: periodic re-review of access')
    .addHelpText(
      'after',
      examples(
        `nhi-gov campaign start --as ${APPROVER} --name Q1 --identities 'role/payments-*'`,
        'nhi-gov campaign show 01JH0Z8Q3M4XK2V7T9B6C5D4E3',
        `nhi-gov campaign review 01JH0Z8Q3M4XK2V7T9B6C5D4E3 01JH0Z9A1B2C3D4E5F6G7H8J9K --as ${APPROVER} --outcome keep`,
      ),
    );
  withOutput(
    campaign
      .command('start')
      .usage('--as <principalArn> --name <name> [options]')
      .description(
        'start a campaign over the in-force grants and created identities in the store, and with --gaad every identity under the managed path in that IAM snapshot',
      )
      .addOption(asOption())
      .addOption(new Option('--name <name>', 'campaign name').makeOptionMandatory().helpGroup('Required:'))
      .option('--identities <globs>', 'comma-separated identity keys or globs, e.g. role/payments-*')
      .option('--due-days <days>', 'days until items are overdue (default: the policy)', Number)
      .option(
        '--gaad <file>',
        'IAM snapshot (aws iam get-account-authorization-details): identities under the managed path are in scope even without a decision',
      )
      .option('--credential-report <file>', 'the credential report CSV of the same account (needs --gaad)'),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov campaign start --as ${APPROVER} --name Q1 --identities 'role/payments-*' --due-days 14`,
        `nhi-gov campaign start --as ${APPROVER} --name Q1-all --gaad gaad.json --credential-report report.csv --format json`,
      )}${ACT_HELP}`,
    )
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
        const print = outputOf(io, opts, 'nhi-gov campaign start');
        const body = {
          name: opts.name,
          scope: opts.identities ? { identities: opts.identities.split(',').map((s) => s.trim()) } : {},
          ...(opts.dueDays !== undefined ? { dueDays: opts.dueDays } : {}),
        };
        checkArgs(opts);
        parseCliOptions(StartCampaignBody.pick({ dueDays: true }), { dueDays: opts.dueDays });
        // The snapshot is read before the store starts: a bad file costs nothing and writes nothing.
        const inventory = await campaignInventory(io, opts);
        const result = await withGovernance(io, opts, (gov) =>
          gov.startCampaign({ body, createdBy: opts.as, ...(inventory ? { inventory } : {}) }),
        );
        print(result, describeCampaign(result.campaign, result.items));
      },
    );
  withOutput(
    campaign
      .command('review <campaignId> <itemId>')
      .usage('<campaignId> <itemId> --as <principalArn> --outcome <outcome> [options]')
      .description('keep or revoke one item; revoke files a revoke request through governance')
      .addOption(asOption())
      .addOption(
        new Option('--outcome <outcome>', 'keep or revoke')
          .choices(['keep', 'revoke'])
          .makeOptionMandatory()
          .helpGroup('Required:'),
      )
      .option('--note <text>', 'why'),
  )
    .addOption(policyOption())
    .addHelpText(
      'after',
      `${examples(
        `nhi-gov campaign review 01JH0Z8Q3M4XK2V7T9B6C5D4E3 01JH0Z9A1B2C3D4E5F6G7H8J9K --as ${APPROVER} --outcome keep`,
        `nhi-gov campaign review 01JH0Z8Q3M4XK2V7T9B6C5D4E3 01JH0Z9A1B2C3D4E5F6G7H8J9K --as ${APPROVER} --outcome revoke --note 'job retired'`,
      )}${ACT_HELP}`,
    )
    .action(
      async (
        campaignId: string,
        itemId: string,
        opts: CommonOptions & { outcome: string; note?: string },
      ) => {
        const print = outputOf(io, opts, 'nhi-gov campaign review');
        checkArgs(opts, { 'campaign id': campaignId, 'item id': itemId });
        const result = await withGovernance(io, opts, (gov) =>
          gov.reviewCampaignItem({
            campaignId,
            itemId,
            reviewer: opts.as,
            body: { outcome: opts.outcome, ...(opts.note ? { note: opts.note } : {}) },
          }),
        );
        const revokes = result.revokeDecisions ?? (result.revokeDecision ? [result.revokeDecision] : []);
        print(
          {
            ...result,
            ...(result.revokeDecision ? { revokeDecision: publicDecision(result.revokeDecision) } : {}),
            ...(result.revokeDecisions
              ? { revokeDecisions: result.revokeDecisions.map(publicDecision) }
              : {}),
          },
          describeCampaign(result.campaign, [result.item]) + revokes.map(describeDecision).join(''),
        );
      },
    );
  withOutput(campaign.command('show <id>').description('show a campaign and its items'))
    .addHelpText(
      'after',
      `${examples(
        'nhi-gov campaign show 01JH0Z8Q3M4XK2V7T9B6C5D4E3',
        'nhi-gov campaign show 01JH0Z8Q3M4XK2V7T9B6C5D4E3 --format json | jq \'.items[] | select(.outcome=="pending")\'',
      )}
Exit codes: 0 ok, 2 usage or input error (also an unknown id), 3 unexpected error.`,
    )
    .action(async (id: string, opts: { format?: string; output?: string }) => {
      const print = outputOf(io, opts, 'nhi-gov campaign show');
      checkArgs({}, { 'campaign id': id });
      const result = await withGovernance(io, {}, (gov) => gov.getCampaign(id));
      print(result, describeCampaign(result.campaign, result.items));
    });
}
