import { resolve } from 'node:path';
import * as z from 'zod';
import { readSnapshot } from '../../adapters/snapshot/read-snapshot.js';
import { DEFAULT_SECRET_PREFIX, FUNCTION_ENV } from '../../config/functions.js';
import { DEFAULT_POLICY_PATH, loadPolicyFile } from '../../config/policy-file.js';
import { ValidationError } from '../../domain/errors.js';
import { identityKey } from '../../domain/identity.js';
import type { IamInventory } from '../../domain/inventory.js';
import { describeChange, type PlannedChange } from '../../domain/provisioning/changes.js';
import { isUnderManagedPath } from '../../domain/provisioning/guardrails.js';
import { type DecisionPlan, planDecisions } from '../../domain/provisioning/plan-decisions.js';
import type { CliIo } from '../io.js';
import { withLocalStores } from '../local-store.js';
import { addOutputOptions, deliverOutput, examples, formatOf, parseCliOptions } from '../options.js';
import {
  type Column,
  OUTPUT_FORMATS,
  type OutputFormat,
  renderCsv,
  renderJson,
  renderTable,
} from '../output.js';
import type { RegisterCommand } from './register.js';

/** The plan prints as a table, JSON, or CSV (one line per change or refusal). */
const PLAN_FORMATS = ['table', 'json', 'csv'] as const satisfies readonly OutputFormat[];

const PlanOptions = z.strictObject({
  gaad: z.string({ error: 'is required (the `aws iam get-account-authorization-details` JSON)' }).min(1),
  credentialReport: z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  permissionsBoundary: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/, 'must be a managed policy ARN')
    .optional(),
  secretPrefix: z.string().min(1).default(DEFAULT_SECRET_PREFIX),
  format: z.enum(OUTPUT_FORMATS, { message: `must be one of ${OUTPUT_FORMATS.join(', ')}` }).default('table'),
  output: z.string().min(1, 'must name a file').optional(),
});

interface Row {
  readonly plan: DecisionPlan;
  readonly change?: PlannedChange;
}

const COLUMNS: readonly Column<Row>[] = [
  { header: 'DECISION', value: (r) => r.plan.decision.id },
  { header: 'KIND', value: (r) => `${r.plan.decision.kind} (${r.plan.decision.status})` },
  { header: 'IDENTITY', value: (r) => r.plan.decision.identityKey },
  {
    header: 'CHANGE',
    value: (r) => (r.change ? describeChange(r.change) : `REFUSED: ${r.plan.reason ?? ''}`),
  },
];

const CSV_COLUMNS: readonly Column<Row>[] = [
  { header: 'decisionId', value: (r) => r.plan.decision.id },
  { header: 'decisionVersion', value: (r) => r.plan.decision.version },
  { header: 'kind', value: (r) => r.plan.decision.kind },
  { header: 'status', value: (r) => r.plan.decision.status },
  { header: 'identityKey', value: (r) => r.plan.decision.identityKey },
  { header: 'outcome', value: (r) => r.plan.outcome },
  { header: 'change', value: (r) => (r.change ? describeChange(r.change) : null) },
  { header: 'reason', value: (r) => r.plan.reason ?? null },
];

/**
 * The boundary the provision function would use: --permissions-boundary, else PERMISSIONS_BOUNDARY_ARN,
 * else the one boundary every bounded identity under the managed path carries in the snapshot.
 */
function boundaryFor(
  given: string | undefined,
  env: CliIo['env'],
  inventory: IamInventory,
  managedPath: string,
): { arn: string; source: string } {
  if (given) return { arn: given, source: '--permissions-boundary' };
  const fromEnv = env[FUNCTION_ENV.permissionsBoundaryArn];
  if (fromEnv) return { arn: fromEnv, source: FUNCTION_ENV.permissionsBoundaryArn };
  const seen = new Set(
    [...inventory.roles, ...inventory.users]
      .filter((i) => isUnderManagedPath(i.path, managedPath) && i.permissionsBoundaryArn)
      .map((i) => i.permissionsBoundaryArn as string),
  );
  const [only] = [...seen];
  if (seen.size === 1 && only)
    return { arn: only, source: `the snapshot (every bounded identity under ${managedPath})` };
  const message =
    seen.size === 0
      ? 'no identity under the managed path carries one in the snapshot'
      : `the snapshot has ${seen.size} different ones under the managed path`;
  throw new ValidationError(
    `say which permissions boundary the provision function uses: --permissions-boundary <arn> or ${FUNCTION_ENV.permissionsBoundaryArn} (${message})`,
    [{ path: '--permissions-boundary', message: 'is required' }],
  );
}

function changeJson(c: PlannedChange) {
  const { identity, alreadyDone: _done, ...rest } = c;
  return { ...rest, identity: identityKey(identity), description: describeChange(c) };
}

async function planCommand(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  // Inputs are read and checked before DynamoDB Local starts: bad input costs nothing and writes nothing.
  const options = parseCliOptions(PlanOptions, raw);
  const format = formatOf(options.format, 'nhi-gov plan', PLAN_FORMATS);
  const at = (path: string) => resolve(io.cwd, path);
  const policy = loadPolicyFile(options.policy ? at(options.policy) : DEFAULT_POLICY_PATH);
  const inventory = await readSnapshot({
    gaadPath: at(options.gaad),
    gaadLabel: '--gaad',
    ...(options.credentialReport
      ? { credentialReportPath: at(options.credentialReport), credentialReportLabel: '--credential-report' }
      : {}),
  });
  const managedPath = policy.document.managedPath;
  const boundary = boundaryFor(options.permissionsBoundary, io.env, inventory, managedPath);
  const guardrails = {
    managedPath,
    permissionsBoundaryArn: boundary.arn,
    secretPrefix: options.secretPrefix,
  };
  const now = io.now();
  const decisions = await withLocalStores(io, async (stores) => {
    const statuses = ['approved', 'revoked', 'expired'] as const;
    return (await Promise.all(statuses.map((s) => stores.decisions.listByStatus(s)))).flat();
  });
  const plans = planDecisions(decisions, inventory, guardrails, now);
  const changes = plans.reduce((n, p) => n + p.changes.length, 0);
  const refused = plans.filter((p) => p.outcome === 'refused').length;
  const inPlace = plans.reduce((n, p) => n + p.alreadyInPlace.length, 0);

  if (format === 'json') {
    deliverOutput(
      io,
      renderJson({
        snapshot: { collectedAt: inventory.collectedAt, origin: inventory.origin },
        guardrails: { ...guardrails, permissionsBoundarySource: boundary.source },
        summary: { decisions: plans.length, changes, alreadyInPlace: inPlace, refused },
        decisions: plans.map((p) => ({
          decisionId: p.decision.id,
          version: p.decision.version,
          kind: p.decision.kind,
          status: p.decision.status,
          identityKey: p.decision.identityKey,
          outcome: p.outcome,
          ...(p.reason ? { reason: p.reason } : {}),
          notes: p.notes,
          changes: p.changes.map(changeJson),
          alreadyInPlace: p.alreadyInPlace.map(changeJson),
        })),
      }),
      options.output,
    );
    return;
  }
  const rows: Row[] = plans.flatMap((plan) =>
    plan.outcome === 'refused' ? [{ plan }] : plan.changes.map((change) => ({ plan, change })),
  );
  if (format === 'csv') {
    deliverOutput(io, renderCsv(rows, CSV_COLUMNS), options.output);
    return;
  }
  const lines = [
    `Plan against the snapshot of ${inventory.collectedAt} (managed path ${managedPath}, boundary ${boundary.arn} from ${boundary.source}):`,
    `${changes} ${changes === 1 ? 'change' : 'changes'} for ${plans.length} ${plans.length === 1 ? 'decision' : 'decisions'}; ${inPlace} already in place; ${refused} refused by the guardrails.`,
    '',
  ];
  if (rows.length > 0) lines.push(renderTable(rows, COLUMNS));
  else lines.push('Nothing to change: IAM matches the approved decisions.');
  lines.push('Nothing was called: this is what the provision function would do. Details: --format json.');
  deliverOutput(io, `${lines.join('\n').trimEnd()}\n`, options.output);
}

/** `nhi-gov plan`: the IAM changes the provision function would make to match the approved decisions. */
export const registerPlan: RegisterCommand = (program, io) => {
  const cmd = program
    .command('plan')
    .description(
      'show the IAM changes the provision function would make to bring a snapshot in line with the approved decisions in the local store (calls nothing)',
    )
    .option('--gaad <file>', '`aws iam get-account-authorization-details` JSON; required')
    .option('--credential-report <file>', 'IAM credential report CSV (access keys of users)')
    .option('--policy <file>', 'policy file (managed path); default policy/default.yaml')
    .option(
      '--permissions-boundary <arn>',
      'the boundary provisioned identities carry (default: $PERMISSIONS_BOUNDARY_ARN, or the one the snapshot shows)',
    )
    .option('--secret-prefix <prefix>', 'prefix of the access-key secrets', DEFAULT_SECRET_PREFIX);
  addOutputOptions(cmd, PLAN_FORMATS)
    .addHelpText(
      'after',
      `${examples(
        'nhi-gov plan --gaad gaad.json --credential-report report.csv',
        'nhi-gov plan --gaad gaad.json --permissions-boundary arn:aws:iam::111122223333:policy/nhi-gov-boundary',
        'nhi-gov plan --gaad gaad.json --format json | jq \'.decisions[] | select(.outcome=="refused")\'',
        'nhi-gov plan --gaad gaad.json --format csv -o plan.csv',
      )}
Nothing is called: this is what the provision function would do. Exit codes: 0 ok, 2 usage or
input error, 3 unexpected error. See docs/provisioning.md and docs/cli.md.`,
    )
    .action(async (opts: Record<string, unknown>) => {
      await planCommand(io, opts);
    });
};
