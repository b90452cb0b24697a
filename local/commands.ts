import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import * as z from 'zod';
import { toExternalCallError } from '../lib/adapters/iam/aws-error.js';
import type { DrainReport } from '../lib/adapters/local-bus/local-pipeline.js';
import { SANDBOX_KEY, type SandboxAccount, sandboxPolicy } from '../lib/adapters/sandbox/iam-sandbox.js';
import { LocalSandbox, sandboxPaths, seedSandbox } from '../lib/adapters/sandbox/local-sandbox.js';
import { readSnapshot } from '../lib/adapters/snapshot/read-snapshot.js';
import { fixedClock } from '../lib/adapters/system.js';
import type { RegisterCommand } from '../lib/cli/commands/index.js';
import { parseAsOf } from '../lib/cli/commands/scan.js';
import { type CliIo, UsageError } from '../lib/cli/io.js';
import { localHome, withLocalStores } from '../lib/cli/local-store.js';
import { ExitCode } from '../lib/cli/main.js';
import { addOutputOptions, deliverOutput, examples, formatOf, parseCliOptions } from '../lib/cli/options.js';
import { renderJson } from '../lib/cli/output.js';
import { boundPolicy } from '../lib/cli/policy-binding.js';
import { ExternalCallError } from '../lib/domain/provisioning/errors.js';
import { assertNotInFuture } from '../lib/domain/scanning/scan-time.js';
import { localNames, localPipeline } from './wiring.js';

const FORMATS = ['table', 'json'] as const;

/** The permissions boundary the deployed stack creates, added to a seeded sandbox that lacks it. */
export function withSuiteBoundary(account: SandboxAccount): void {
  const arn = localNames(account[SANDBOX_KEY].accountId).boundaryArn;
  if (account.Policies.some((p) => p.Arn === arn)) return;
  account.Policies.push(
    sandboxPolicy('nhi-gov-boundary', arn, {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ceiling', Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Sid: 'NoIamWrites',
          Effect: 'Deny',
          Action: ['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:Update*', 'iam:Delete*'],
          Resource: '*',
        },
      ],
    }),
  );
}

/** The sandbox of this home, or a usage error saying how to make one. */
function openSandbox(io: CliIo, now: Date): LocalSandbox {
  const sandbox = LocalSandbox.open(localHome(io), fixedClock(now));
  if (!sandbox)
    throw new UsageError(
      'the IAM sandbox is empty: seed it first, e.g. nhi-gov sandbox seed --gaad gaad.json --credential-report report.csv',
    );
  return sandbox;
}

function summary(account: SandboxAccount) {
  const x = account[SANDBOX_KEY];
  return {
    accountId: x.accountId,
    roles: account.RoleDetailList.length,
    users: account.UserDetailList.length,
    accessKeys: Object.values(x.accessKeys).reduce((n, keys) => n + keys.length, 0),
    managedPolicies: account.Policies.length,
  };
}

const SeedOptions = z.strictObject({
  gaad: z.string({ error: 'is required (the `aws iam get-account-authorization-details` JSON)' }).min(1),
  credentialReport: z.string().min(1).optional(),
  format: z.string().optional(),
  output: z.string().optional(),
});

/** One console change: the IAM call and the flags it takes. */
const CONSOLE_ACTIONS = {
  'attach-role-policy': { api: 'AttachRolePolicy', needs: ['roleName', 'policyArn'] },
  'detach-role-policy': { api: 'DetachRolePolicy', needs: ['roleName', 'policyArn'] },
  'attach-user-policy': { api: 'AttachUserPolicy', needs: ['userName', 'policyArn'] },
  'detach-user-policy': { api: 'DetachUserPolicy', needs: ['userName', 'policyArn'] },
  'put-role-policy': { api: 'PutRolePolicy', needs: ['roleName', 'policyName', 'policyDocument'] },
  'delete-role-policy': { api: 'DeleteRolePolicy', needs: ['roleName', 'policyName'] },
  'put-user-policy': { api: 'PutUserPolicy', needs: ['userName', 'policyName', 'policyDocument'] },
  'delete-user-policy': { api: 'DeleteUserPolicy', needs: ['userName', 'policyName'] },
  'create-access-key': { api: 'CreateAccessKey', needs: ['userName'] },
  'delete-access-key': { api: 'DeleteAccessKey', needs: ['userName', 'accessKeyId'] },
} as const;
type ConsoleAction = keyof typeof CONSOLE_ACTIONS;

const INPUT_FIELD: Record<string, string> = {
  roleName: 'RoleName',
  userName: 'UserName',
  policyArn: 'PolicyArn',
  policyName: 'PolicyName',
  policyDocument: 'PolicyDocument',
  accessKeyId: 'AccessKeyId',
};
const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `nhi-gov sandbox seed|show|console`. */
export const registerSandbox: RegisterCommand = (program: Command, io: CliIo) => {
  const sandbox = program
    .command('sandbox')
    .description(
      'the local IAM sandbox: an account in .nhi-gov/sandbox/ (GAAD-shaped iam.json, credential-report.csv, secrets, schedules) that `nhi-gov run` provisions into',
    )
    .addHelpText(
      'after',
      examples(
        'nhi-gov sandbox seed --gaad examples/acme-gaad.json --credential-report examples/acme-credential-report.csv',
        'nhi-gov sandbox console attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
        'nhi-gov sandbox show',
      ),
    );

  addOutputOptions(
    sandbox
      .command('seed')
      .description('replace the sandbox with the account of a snapshot (GAAD JSON and credential report)')
      .option('--gaad <file>', 'IAM snapshot: `aws iam get-account-authorization-details` JSON')
      .option('--credential-report <file>', 'the credential report CSV of the same account'),
    FORMATS,
  )
    .addHelpText(
      'after',
      `${examples('nhi-gov sandbox seed --gaad gaad.json --credential-report report.csv')}
Every file is written atomically (a temporary file, then a rename). Secrets are never printed.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseCliOptions(SeedOptions, raw);
      const format = formatOf(opts.format, 'nhi-gov sandbox seed', FORMATS);
      const inventory = await readSnapshot({
        gaadPath: resolve(io.cwd, opts.gaad),
        gaadLabel: '--gaad',
        ...(opts.credentialReport
          ? {
              credentialReportPath: resolve(io.cwd, opts.credentialReport),
              credentialReportLabel: '--credential-report',
            }
          : {}),
      });
      const home = localHome(io);
      const account = seedSandbox(home, inventory, withSuiteBoundary);
      const paths = sandboxPaths(home);
      const s = summary(account);
      deliverOutput(
        io,
        format === 'json'
          ? renderJson({ ...s, files: { gaad: paths.gaad, credentialReport: paths.credentialReport } })
          : `sandbox account ${s.accountId}: ${s.roles} roles, ${s.users} users, ${s.accessKeys} access keys, ${s.managedPolicies} managed policies\n  IAM (GAAD shape): ${paths.gaad}\n  credential report: ${paths.credentialReport}\n`,
        opts.output,
      );
    });

  addOutputOptions(
    sandbox.command('show').description('what the sandbox holds (never a secret value)'),
    FORMATS,
  )
    .addHelpText('after', examples('nhi-gov sandbox show --format json'))
    .action(async (raw: { format?: string; output?: string }) => {
      const format = formatOf(raw.format, 'nhi-gov sandbox show', FORMATS);
      const box = openSandbox(io, io.now());
      const s = summary(box.iam.account());
      const schedules = box.scheduler
        .schedules()
        .map((x) => ({ group: x.groupName, name: x.name, at: x.expression }));
      const secrets = box.secrets.summary();
      const text = [
        `sandbox account ${s.accountId}: ${s.roles} roles, ${s.users} users, ${s.accessKeys} access keys, ${s.managedPolicies} managed policies`,
        `${secrets.length} secret(s)${secrets.map((x) => `\n  ${x.name}${x.deleted ? ' (scheduled for deletion)' : ''}`).join('')}`,
        `${schedules.length} schedule(s)${schedules.map((x) => `\n  ${x.group}/${x.name} ${x.at}`).join('')}`,
      ].join('\n');
      deliverOutput(
        io,
        format === 'json' ? renderJson({ ...s, secrets, schedules }) : `${text}\n`,
        raw.output,
      );
    });

  const consoleCmd = addOutputOptions(
    sandbox
      .command('console <action>')
      .description(
        `change the sandbox behind governance's back, as someone in the AWS console would (no decision, no execution record): ${Object.keys(CONSOLE_ACTIONS).join(', ')}`,
      )
      .option('--role-name <name>')
      .option('--user-name <name>')
      .option('--policy-arn <arn>')
      .option('--policy-name <name>')
      .option('--policy-document <file>', 'a JSON policy document file')
      .option('--access-key-id <id>'),
    FORMATS,
  ).addHelpText(
    'after',
    `${examples(
      'nhi-gov sandbox console attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
      'nhi-gov sandbox console create-access-key --user-name build-bot   # prints the key id, never the secret',
    )}
IAM's errors come back as IAM gives them (NoSuchEntity, EntityAlreadyExists, LimitExceeded, DeleteConflict):
exit 3, or 2 when the thing named does not exist.`,
  );
  consoleCmd.action(async (action: string, raw: Record<string, string | undefined>) => {
    const format = formatOf(raw.format, 'nhi-gov sandbox console', FORMATS);
    if (!(action in CONSOLE_ACTIONS))
      throw new UsageError(`<action> ${action}: must be one of ${Object.keys(CONSOLE_ACTIONS).join(', ')}`);
    const { api, needs } = CONSOLE_ACTIONS[action as ConsoleAction];
    const missing = needs.filter((k) => !raw[k]);
    if (missing.length > 0)
      throw new UsageError(`sandbox console ${action} needs ${missing.map(flag).join(', ')}`);
    const input: Record<string, string> = {};
    for (const k of needs) {
      const value = raw[k] as string;
      if (k === 'policyDocument') {
        try {
          input.PolicyDocument = readFileSync(resolve(io.cwd, value), 'utf8');
        } catch (cause) {
          throw new UsageError(
            `--policy-document ${value}: cannot be read (${(cause as NodeJS.ErrnoException).code})`,
          );
        }
      } else input[INPUT_FIELD[k] as string] = value;
    }
    const box = openSandbox(io, io.now());
    let result: unknown;
    try {
      result = box.iam.call(api, input);
    } catch (error) {
      const e = toExternalCallError(`iam:${api}`, input.RoleName ?? input.UserName ?? '', error);
      io.stderr.write(`nhi-gov: refused: ${e.message}\n`);
      throw new ExitCode(e instanceof ExternalCallError && e.awsCode === 'NoSuchEntity' ? 2 : 3);
    }
    // A new key's secret half is never printed: the console shows it once, this sandbox never.
    const key = (result as { AccessKey?: { AccessKeyId?: string } }).AccessKey;
    const done = {
      consoleChange: api,
      ...Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'PolicyDocument')),
      ...(key?.AccessKeyId ? { createdAccessKeyId: key.AccessKeyId } : {}),
      decision: null,
    };
    deliverOutput(
      io,
      format === 'json'
        ? renderJson(done)
        : `console change: ${api} ${Object.entries(done)
            .filter(([k]) => !['consoleChange', 'decision'].includes(k))
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')} (no decision, no execution record: the next scan finds it as drift)\n`,
      raw.output,
    );
  });
};

const RunOptions = z.strictObject({
  asOf: z
    .string()
    .refine((t) => parseAsOf(t) !== undefined, 'must be a day (2026-03-01) or an ISO-8601 timestamp')
    .optional(),
  format: z.string().optional(),
  output: z.string().optional(),
});

/** A delivery's outcome in a word or two. */
function outcomeOf(result: unknown): string {
  if (result === null || typeof result !== 'object') return String(result);
  const r = result as Record<string, unknown>;
  if (typeof r.status === 'string')
    return `${r.status}${typeof r.reason === 'string' ? `: ${r.reason}` : ''}`;
  if (typeof r.skipped === 'string') return `skipped: ${r.skipped}`;
  if (typeof r.ignored === 'string') return `ignored: ${r.ignored}`;
  if (typeof r.refused === 'string') return `refused: ${r.message ?? r.refused}`;
  if (typeof r.decisionId === 'string') return `filed ${r.decisionId}`;
  if (typeof r.done === 'boolean') return r.done ? 'done' : 'step done';
  return 'done';
}

export function renderDrain(report: DrainReport): string {
  const lines = [
    `run as of ${report.asOf}: ${report.streamRecords} stream record(s), ${report.busEvents} bus event(s), ${report.schedulesFired} schedule(s) fired, ${report.rotations} rotation(s)`,
    ...report.deliveries.map(
      (d) =>
        `  ${d.via} -> ${d.target}  ${d.detailType}${d.decisionId ? ` ${d.decisionId}` : ''}  ${
          d.error !== undefined ? `FAILED after ${d.attempts} attempt(s): ${d.error}` : outcomeOf(d.result)
        }`,
    ),
  ];
  if (report.deliveries.length === 0) lines.push('  nothing to deliver');
  return `${lines.join('\n')}\n`;
}

/** `nhi-gov run`: drain the local event pipeline once. */
export const registerRun: RegisterCommand = (program: Command, io: CliIo) => {
  addOutputOptions(
    program
      .command('run')
      .description(
        'drain the local event pipeline once: due schedules (JIT expiries, key retirements), then the decisions and executions streams through the deployed pipes and rules to the deployed provision, rotate and governance handlers, on the sandbox',
      )
      .option(
        '--as-of <date>',
        "the pipeline's now: which schedules are due, the time of execution records (default now)",
      ),
    FORMATS,
  )
    .addHelpText(
      'after',
      `${examples('nhi-gov run', 'nhi-gov run --as-of 2026-03-01T12:00:00Z --format json')}
Exit codes: 0 done (also when nothing was due), 2 invalid input, no sandbox, or an --as-of more than 5
minutes in the future, 3 a delivery failed every attempt (kept in .nhi-gov/pipeline/dead-letters.json).
See docs/cli.md#the-local-loop.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseCliOptions(RunOptions, raw);
      const format = formatOf(opts.format, 'nhi-gov run', FORMATS);
      const now = io.now();
      const asOf = opts.asOf ? (parseAsOf(opts.asOf) as Date) : now;
      assertNotInFuture(asOf, now, '--as-of');
      const home = localHome(io);
      const sandbox = openSandbox(io, asOf);
      const report = await withLocalStores(io, async (stores) => {
        const policy = await boundPolicy(stores, { command: 'run', now });
        const pipeline = localPipeline({ home, stores, policy, clock: fixedClock(asOf), sandbox });
        try {
          return await pipeline.drain();
        } finally {
          pipeline.destroy();
        }
      });
      deliverOutput(
        io,
        format === 'json' ? renderJson(report) : renderDrain(report),
        opts.output as string | undefined,
      );
      if (report.deadLetters.length > 0) {
        io.stderr.write(
          `nhi-gov: ${report.deadLetters.length} delivery(ies) failed every attempt; kept in ${home}/pipeline/dead-letters.json\n`,
        );
        throw new ExitCode(3);
      }
    });
};
