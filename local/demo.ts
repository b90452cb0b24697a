import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DeleteTableCommand, ResourceNotFoundException, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { localDynamoClient } from '../lib/adapters/dynamodb/client.js';
import { acquireLocalStore, type StoreLease } from '../lib/adapters/dynamodb/shared-local-store.js';
import { sandboxPaths } from '../lib/adapters/sandbox/local-sandbox.js';
import type { RegisterCommand } from '../lib/cli/commands/index.js';
import { type CliIo, UsageError } from '../lib/cli/io.js';
import { forgetPreparedStores, LOCAL_ENV, localHome, storeIdleSeconds } from '../lib/cli/local-store.js';
import { run as runLib } from '../lib/cli/main.js';
import { examples } from '../lib/cli/options.js';
import { localTableNames } from '../lib/config/tables.js';
import { registerRun, registerSandbox } from './commands.js';
import { pipelinePaths } from './wiring.js';

const ACCOUNT = '123456789012';
const ALICE = 'arn:aws:iam::111122223333:role/team-lead-alice';
const BOB = 'arn:aws:iam::111122223333:role/security-approver-bob';
const DAVE = 'arn:aws:iam::111122223333:role/security-approver-dave';
const CAROL = 'arn:aws:iam::111122223333:role/oncall-carol';
const MINUTE = 60_000;

/** The story's requests, as a person would write them (kept under .nhi-gov/demo/ to read afterwards). */
function requests(at: Date) {
  const lambdaTrust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
  return {
    'create-role.json': {
      kind: 'create-identity',
      account: ACCOUNT,
      identity: { type: 'role', name: 'payments-reader' },
      trustPolicy: lambdaTrust,
      description: 'reads the payments ledger for the monthly report',
      justification: 'new reporting Lambda for the payments team',
      owner: 'team-payments',
    },
    'grant-read.json': {
      kind: 'grant',
      account: ACCOUNT,
      identity: { type: 'role', name: 'payments-reader' },
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      justification: 'the report reads the ledger tables and buckets',
      owner: 'team-payments',
    },
    'create-user.json': {
      kind: 'create-identity',
      account: ACCOUNT,
      identity: { type: 'user', name: 'ci-publisher' },
      justification: 'the CI system publishes artefacts with an access key',
      owner: 'team-platform',
    },
    'rotate-user.json': {
      kind: 'rotate',
      account: ACCOUNT,
      identity: { type: 'user', name: 'ci-publisher' },
      justification: 'routine rotation of the CI key',
      owner: 'team-platform',
    },
    'break-glass.json': {
      kind: 'break-glass',
      account: ACCOUNT,
      identity: { type: 'role', name: 'payments-reader' },
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      durationMinutes: 60,
      justification: 'incident INC-4711: the payments report job is stuck and needs a manual re-run',
      ticket: 'INC-4711',
      owner: 'team-payments',
    },
    'exception.json': {
      kind: 'exception',
      account: ACCOUNT,
      identity: { type: 'user', name: 'build-bot' },
      findingTypes: ['unrotated-access-key', 'unused-access-key'],
      riskAcceptance: {
        owner: 'team-ci',
        risk: 'the legacy build agent cannot reload a new key until its migration in Q3',
        compensatingControls: ['key scoped to one bucket', 'CloudTrail alarm on use outside CI'],
        residualSeverity: 'medium',
      },
      expiresAt: new Date(at.getTime() + 30 * 24 * 60 * MINUTE).toISOString().replace('.000Z', 'Z'),
      justification: 'migration of the build agent is planned for Q3',
      owner: 'team-ci',
    },
  } as const;
}

interface StepIo {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * `npm start`: the whole loop on a laptop, on the embedded store and the sandbox. Every step is a real
 * `nhi-gov` command (printed as typed), run in this process on one store, with a story clock that
 * starts a few hours ago and moves forward, so a JIT grant can expire and its scheduled revoke fire.
 */
async function tellStory(io: CliIo, endpoint: string): Promise<void> {
  const home = localHome(io);
  const dir = join(home, 'demo');
  mkdirSync(dir, { recursive: true });
  const start = new Date(Math.floor(io.now().getTime() / MINUTE) * MINUTE - 6 * 60 * MINUTE);
  let now = start;
  const files = requests(start);
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, name), `${JSON.stringify(body, null, 2)}\n`);
  const rel = (path: string) => relative(io.cwd, path) || '.';
  const say = (text: string) => io.stdout.write(`${text}\n`);
  const env = { ...io.env, [LOCAL_ENV.endpoint]: endpoint };

  const cli = async (argv: string[], options: { show?: boolean; expect?: number } = {}): Promise<StepIo> => {
    const out: StepIo = { stdout: '', stderr: '', code: 0 };
    const stepIo: CliIo = {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      env,
      cwd: io.cwd,
      now: () => now,
      stdinIsTTY: false,
    };
    say(`\n$ nhi-gov ${argv.map((a) => (/[\s]/.test(a) ? `'${a}'` : a)).join(' ')}`);
    out.code = await runLib(argv, stepIo, [registerRun, registerSandbox]);
    if (options.show !== false && out.stdout)
      io.stdout.write(out.stdout.replace(/^/gm, '  ').replace(/ +$/, ''));
    if (out.stderr) io.stdout.write(out.stderr.replace(/^/gm, '  ').replace(/ +$/, ''));
    const expected = options.expect ?? 0;
    if (out.code !== expected)
      throw new Error(`the story stopped: nhi-gov ${argv[0]} exited ${out.code} (expected ${expected})`);
    return out;
  };
  const tick = (minutes: number) => {
    now = new Date(now.getTime() + minutes * MINUTE);
  };
  const idOf = (out: StepIo) => (JSON.parse(out.stdout) as { id: string }).id;
  const file = (name: keyof ReturnType<typeof requests>) => rel(join(dir, name));
  const chapter = (title: string) => say(`\n== ${title} (story time ${now.toISOString().slice(0, 16)}Z) ==`);
  const request = async (as: string, name: keyof ReturnType<typeof requests>) => {
    const out = await cli(['request', '--as', as, '--file', file(name), '--format', 'json'], { show: false });
    const d = JSON.parse(out.stdout) as {
      id: string;
      kind: string;
      identityKey: string;
      status: string;
      tier: string;
    };
    say(`  decision ${d.id}: ${d.kind} ${d.identityKey}, ${d.status} (tier ${d.tier})`);
    return d.id;
  };
  const paths = sandboxPaths(home);

  chapter('1. seed an example account into the IAM sandbox');
  await cli([
    'sandbox',
    'seed',
    '--gaad',
    'examples/acme-gaad.json',
    '--credential-report',
    'examples/acme-credential-report.csv',
  ]);

  chapter('2. file requests and approve them; a self-approval is refused');
  tick(5);
  const createRole = await request(ALICE, 'create-role.json');
  await cli(['approve', createRole, '--as', BOB, '--note', 'reviewed the trust policy'], { show: false });
  const grant = await request(ALICE, 'grant-read.json');
  await cli(['approve', grant, '--as', ALICE], { expect: 3 });
  await cli(['approve', grant, '--as', BOB], { show: false });
  const createUser = await request(ALICE, 'create-user.json');
  await cli(['approve', createUser, '--as', BOB], { show: false });
  say('  (approved by security-approver-bob)');

  chapter('3. provision them: the deployed handlers, through the deployed pipes and rules');
  tick(2);
  await cli(['run']);
  tick(5);
  idOf(
    await cli(['request', '--as', ALICE, '--file', file('rotate-user.json'), '--format', 'json'], {
      show: false,
    }),
  );
  say('  rotate ci-publisher: auto-approved (routine-rotation)');
  await cli(['run']);

  chapter('4. break-glass: activation, expiry by the scheduled revoke, review');
  tick(10);
  const breakGlass = await request(CAROL, 'break-glass.json');
  say(
    '  break-glass is approved on request (policy breakGlass.requesters); it still gets an expiry and a review',
  );
  await cli(['run']);
  tick(61);
  say('  ... 61 minutes later: the JIT revoke schedule is due');
  await cli(['run']);
  tick(30);
  await cli(['review', breakGlass, '--as', DAVE, '--outcome', 'confirm', '--note', 'incident closed'], {
    show: false,
  });
  say(`  break-glass ${breakGlass} reviewed by security-approver-dave`);

  chapter('5. an exception with risk acceptance');
  tick(10);
  const exception = idOf(
    await cli(['exception', 'request', '--as', ALICE, '--file', file('exception.json'), '--format', 'json'], {
      show: false,
    }),
  );
  await cli(['exception', 'approve', exception, '--as', BOB], { show: false });
  await cli(['exception', 'approve', exception, '--as', DAVE], { show: false });
  say(`  exception ${exception}: user/build-bot, risk accepted by team-ci, approved by bob and dave`);

  chapter("6. a console change behind governance's back");
  tick(15);
  await cli([
    'sandbox',
    'console',
    'attach-role-policy',
    '--role-name',
    'payments-reader',
    '--policy-arn',
    'arn:aws:iam::aws:policy/AdministratorAccess',
  ]);

  chapter('7. scan the sandbox: drift found');
  tick(5);
  const scan = await cli(
    [
      'scan',
      '--gaad',
      rel(paths.gaad),
      '--credential-report',
      rel(paths.credentialReport),
      '--format',
      'json',
    ],
    { show: false },
  );
  const findings = (
    JSON.parse(scan.stdout) as { findings: { type: string; identityKey: string; title: string }[] }
  ).findings;
  const drift = findings.filter((f) => f.type === 'unapproved-access');
  say(`  ${findings.length} open finding(s); drift (access with no approved decision): ${drift.length}`);
  for (const f of drift.filter((d) => d.identityKey === 'role/payments-reader'))
    say(`    ${f.identityKey}: ${f.title}`);

  chapter('8. a certification campaign');
  tick(10);
  const campaign = JSON.parse(
    (
      await cli(
        [
          'campaign',
          'start',
          '--as',
          BOB,
          '--name',
          'payments quarterly review',
          '--identities',
          'role/payments-*',
          '--format',
          'json',
        ],
        { show: false },
      )
    ).stdout,
  ) as { campaign: { id: string }; items: { itemId: string; entitlementKey: string }[] };
  say(`  campaign ${campaign.campaign.id}: ${campaign.items.length} item(s)`);
  for (const item of campaign.items) {
    const revoke = item.entitlementKey.includes('ReadOnlyAccess') ? 'revoke' : 'keep';
    await cli(['campaign', 'review', campaign.campaign.id, item.itemId, '--as', DAVE, '--outcome', revoke], {
      show: false,
    });
    say(`    ${item.entitlementKey}: ${revoke} (security-approver-dave)`);
  }
  await cli(['run']);

  chapter('9. the overview');
  tick(5);
  await cli(['report', 'overview']);
  say(`
Everything above is in ${rel(home)}/ (the store, the sandbox, the requests under ${rel(dir)}/). Next:
  nhi-gov report overview --format html -o overview.html
  nhi-gov report drift                      # every IAM change with its execution record and decision, and the console change with none
  nhi-gov report audit role/payments-reader
  nhi-gov sandbox show`);
}

/** Empties the local store's tables, the pipeline's positions and the sandbox, so the story starts clean. */
async function emptyLocalData(io: CliIo, endpoint: string): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    const names = localTableNames(io.env[LOCAL_ENV.tablePrefix] ?? 'nhi-gov');
    for (const table of Object.values(names)) {
      try {
        await client.send(new DeleteTableCommand({ TableName: table }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
    forgetPreparedStores();
  } finally {
    client.destroy();
  }
  const home = localHome(io);
  rmSync(pipelinePaths(home).dir, { recursive: true, force: true });
  rmSync(sandboxPaths(home).dir, { recursive: true, force: true });
  rmSync(join(home, 'demo'), { recursive: true, force: true });
}

async function storeHasDecisions(io: CliIo, endpoint: string): Promise<boolean> {
  const client = localDynamoClient(endpoint);
  try {
    const names = localTableNames(io.env[LOCAL_ENV.tablePrefix] ?? 'nhi-gov');
    const page = await client.send(new ScanCommand({ TableName: names.decisions, Limit: 1 }));
    return (page.Count ?? 0) > 0;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  } finally {
    client.destroy();
  }
}

/** `nhi-gov demo`: what `npm start` runs. */
export const registerDemo: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('demo')
    .description(
      'tell the whole story on the example account: seed the sandbox, requests and approvals, provisioning, break-glass, an exception, a console change, a scan with drift, a campaign, the overview',
    )
    .option('--fresh', 'empty the local store, the sandbox and the pipeline first (what `npm start` does)')
    .option('-f, --format <format>', 'output format: table', 'table')
    .option('-o, --output <file>', 'write the output to this file instead of stdout (folders are created)')
    .addHelpText(
      'after',
      `${examples('npm start', 'nhi-gov demo --fresh')}
Without --fresh, a local store that already holds decisions is refused (exit 2): the story needs a clean one.`,
    )
    .action(async (opts: { fresh?: boolean; format?: string; output?: string }) => {
      if (opts.format !== undefined && opts.format !== 'table')
        throw new UsageError(
          `--format ${opts.format}: nhi-gov demo has no ${opts.format} form; use --format table`,
        );
      const given = io.env[LOCAL_ENV.endpoint];
      const lease: StoreLease | undefined = given
        ? undefined
        : await acquireLocalStore({ home: localHome(io), idleSeconds: storeIdleSeconds(io) });
      const endpoint = given ?? (lease as StoreLease).endpoint;
      try {
        if (opts.fresh) await emptyLocalData(io, endpoint);
        else if (await storeHasDecisions(io, endpoint))
          throw new UsageError(
            'the local store already holds decisions: `nhi-gov demo --fresh` empties it (and the sandbox) first',
          );
        let text = '';
        const target: CliIo = opts.output ? { ...io, stdout: { write: (s: string) => (text += s) } } : io;
        await tellStory(target, endpoint);
        if (opts.output) writeFileSync(join(io.cwd, opts.output), text);
      } finally {
        await lease?.release();
      }
    });
};
