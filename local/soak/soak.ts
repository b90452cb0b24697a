import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../lib/adapters/dynamodb/campaign-store.js';
import { ensureTables } from '../../lib/adapters/dynamodb/create-tables.js';
import { DynamoScanLog } from '../../lib/adapters/dynamodb/scan-log.js';
import { credentialReportCsv } from '../../lib/adapters/sandbox/account-files.js';
import { emptyAccount, type SandboxAccount, sandboxPolicy } from '../../lib/adapters/sandbox/iam-sandbox.js';
import { readSnapshot } from '../../lib/adapters/snapshot/read-snapshot.js';
import { ulidGenerator } from '../../lib/adapters/system.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import type { TableNames } from '../../lib/config/tables.js';
import type { Decision } from '../../lib/domain/decision.js';
import { COMPLETE_ACTION, type ExecutionRecord } from '../../lib/domain/execution.js';
import { createGovernance, type Governance } from '../../lib/domain/governance/index.js';
import type { Policy } from '../../lib/domain/policy/schema.js';
import { runScan } from '../../lib/domain/scanning/run-scan.js';
import type { Clock } from '../../lib/ports/clock.js';
import { withSuiteBoundary } from '../commands.js';
import { localNames } from '../wiring.js';
import { DEFAULT_FAULT_RATES, FAULT_KINDS, type FaultKind, FaultPlan, type FaultRates } from './faults.js';
import { SeededRandom } from './random.js';
import { buildSoakWorld, type SoakWorld } from './world.js';

/** The soak's account: one sandbox, its principals in the policy's governance account. */
export const SOAK_ACCOUNT = '111122223333';
const REQUESTERS = [1, 2, 3].map((i) => `arn:aws:iam::${SOAK_ACCOUNT}:role/team-lead-soak-${i}`);
const APPROVERS = [1, 2, 3].map((i) => `arn:aws:iam::${SOAK_ACCOUNT}:role/security-approver-soak-${i}`);
/** AWS managed policies the default policy grants at tier low (`*ReadOnly*`). */
const POLICIES = [
  'ReadOnlyAccess',
  'AmazonS3ReadOnlyAccess',
  'AmazonEC2ReadOnlyAccess',
  'AmazonDynamoDBReadOnlyAccess',
  'CloudWatchReadOnlyAccess',
  'AmazonSQSReadOnlyAccess',
  'AmazonSNSReadOnlyAccess',
  'AWSCloudTrail_ReadOnlyAccess',
].map((name) => `arn:aws:iam::aws:policy/${name}`);
/** The permissions boundary the deployed stack creates; nhi-gov grants only to identities under it. */
const BOUNDARY = localNames(SOAK_ACCOUNT).boundaryArn;
/** The managed policy a console change attaches behind governance's back. */
const CONSOLE_POLICY = 'arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess';

export interface SoakOptions {
  /** Decisions to file (grants, revokes, refused and rejected requests together). */
  readonly decisions: number;
  readonly seed: number;
  readonly rates?: FaultRates;
  /** Roles under the managed path to grant to. */
  readonly roles?: number;
  /** Decisions filed between two drains of the pipeline. */
  readonly batch?: number;
  /** DynamoDB Local: one client for governance and the checks, one (faulted) for the executors. */
  readonly client: DynamoDBClient;
  readonly executorClient: DynamoDBClient;
  readonly names: TableNames;
  readonly onProgress?: (line: string) => void;
}

/** What a soak did and found. Lost, stuck and duplicated must all be 0; so must every violation. */
export interface SoakReport {
  readonly seed: number;
  readonly decisions: number;
  readonly filed: Record<string, number>;
  readonly faults: Record<FaultKind, number>;
  readonly faultsTotal: number;
  readonly drains: number;
  readonly deliveries: number;
  readonly deadLettered: number;
  readonly redriven: number;
  readonly forgedRefused: number;
  readonly consoleChanges: number;
  readonly iamMutations: number;
  /** DynamoDB requests of governance, the pipeline and the functions together (a cost that does not depend on the machine). */
  readonly dynamoRequests: number;
  readonly executionsFinal: { succeeded: number; failed: number; refused: number };
  /** A few of the executions that did not succeed, with their error (for a person reading the report). */
  readonly failureSamples: string[];
  readonly lost: number;
  readonly stuck: number;
  readonly duplicated: number;
  /** Every broken invariant, in words (empty when the soak passed). */
  readonly violations: string[];
}

/** The history action a decision event stands for: an IAM change needs one at the event's version. */
const EVENT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  DecisionApproved: ['approved', 'auto-approved'],
  DecisionRevoked: ['revoked'],
  DecisionExpired: ['expired'],
};

/** A clock the soak moves forward by hand. */
class SoakClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

function soakAccount(roles: number): SandboxAccount {
  const account = emptyAccount(SOAK_ACCOUNT);
  const created = '2026-01-01T00:00:00Z';
  for (let i = 0; i < roles; i++) {
    const name = `soak-role-${String(i).padStart(3, '0')}`;
    account.RoleDetailList.push({
      Path: '/nhi/',
      RoleName: name,
      RoleId: `AROASOAK${String(i).padStart(12, '0')}`,
      Arn: `arn:aws:iam::${SOAK_ACCOUNT}:role/nhi/${name}`,
      CreateDate: created,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [],
      Tags: [{ Key: 'nhi-gov:owner', Value: 'team-soak' }],
      PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY },
      RoleLastUsed: { LastUsedDate: created, Region: 'us-east-1' },
    });
  }
  // The suite's permissions boundary, as `nhi-gov sandbox seed` adds it.
  withSuiteBoundary(account);
  for (const arn of [...POLICIES, CONSOLE_POLICY]) {
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    account.Policies.push(
      sandboxPolicy(name, arn, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: [`${name.toLowerCase().slice(0, 6)}:Get*`], Resource: '*' }],
      }),
    );
  }
  return account;
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const { documentClient } = await import('../../lib/adapters/dynamodb/client.js');
  const doc = documentClient(client);
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: doc }, { TableName: table, ConsistentRead: true }))
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  return items;
}

const itemKey = (item: Record<string, unknown>) => `${String(item.pk)}|${String(item.sk)}`;

/**
 * Files decisions through governance while the pipeline runs them through the deployed handlers on
 * the sandbox, with faults injected everywhere the issue names; then settles (faults off, held events
 * delivered, dead letters redriven once) and checks every invariant.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = new SeededRandom(options.seed);
  const plan = new FaultPlan(random, options.rates ?? DEFAULT_FAULT_RATES);
  const clock = new SoakClock(Date.parse('2026-03-02T09:00:00Z'));
  const base = loadPolicyFile();
  const policy: Policy = base;
  await ensureTables(options.client, options.names);
  let dynamoRequests = 0;
  for (const client of [options.client, options.executorClient])
    client.middlewareStack.add(
      (next) => async (args) => {
        dynamoRequests++;
        return next(args);
      },
      { step: 'initialize', name: 'nhiGovSoakCount' },
    );

  const filed: Record<string, number> = {};
  const count = (what: string) => {
    filed[what] = (filed[what] ?? 0) + 1;
  };
  const unapproved: string[] = [];
  const world: SoakWorld = buildSoakWorld({
    client: options.client,
    executorClient: options.executorClient,
    names: options.names,
    policy,
    clock,
    account: soakAccount(options.roles ?? 40),
    plan,
    random,
    unapprovedIds: () => unapproved,
  });
  const governance: Governance = createGovernance({
    decisions: world.stores.decisions,
    campaigns: new DynamoCampaignStore(world.stores.doc, options.names.decisions),
    policy,
    clock,
    ids: ulidGenerator,
  });

  const roles = world.sandbox.iam.account().RoleDetailList.map((r) => r.RoleName);
  /** Grants approved and not (yet) revoked by the soak, by decision id. */
  const active = new Map<string, { role: string; policyArn: string; requester: string }>();
  const violations: string[] = [];
  let drains = 0;
  let deliveries = 0;
  let trail = new Map<string, string>();
  const checkAppendOnly = async () => {
    const now = new Map(
      (await scanAll(options.client, options.names.executions)).map((i) => [itemKey(i), JSON.stringify(i)]),
    );
    for (const [key, item] of trail)
      if (now.get(key) !== item) violations.push(`execution trail: item ${key} was changed or removed`);
    trail = now;
  };

  const drain = async () => {
    drains++;
    const report = await world.pipeline.drain();
    deliveries += report.deliveries.length;
    await world.releaseHeld();
  };

  const fileOne = async () => {
    const roll = random.next();
    const requester = random.pick(REQUESTERS);
    const approver = random.pick(APPROVERS);
    if (roll < 0.3 && active.size > 0) {
      // Revoke an active grant (its requester may end it).
      const [id, grant] = random.pick([...active.entries()]);
      await governance.revoke({ id, actor: grant.requester, note: 'soak: no longer needed' });
      active.delete(id);
      count('revoke');
      return;
    }
    const role = random.pick(roles);
    const policyArn = random.pick(POLICIES);
    const jit = random.chance(0.3);
    const request = {
      kind: 'grant',
      account: SOAK_ACCOUNT,
      identity: { type: 'role', name: role },
      entitlement: { type: 'managed-policy', policyArn },
      justification: 'soak: the job reads what it reports on',
      owner: 'team-soak',
      ...(jit ? { durationHours: random.int(1, 6) } : {}),
    };
    const decision = await governance.submit({ request, requester, source: 'cli' });
    if (roll < 0.35) {
      // A self-approval is refused, whoever tries it.
      await governance.approve({ id: decision.id, actor: requester }).then(
        () => violations.push(`self-approval of ${decision.id} was accepted`),
        () => undefined,
      );
      await governance.reject({ id: decision.id, actor: approver, note: 'soak: rejected' });
      unapproved.push(decision.id);
      count('grant-rejected-after-refused-self-approval');
      return;
    }
    if (roll < 0.4) {
      unapproved.push(decision.id);
      count('grant-left-pending');
      return;
    }
    const approved = await governance.approve({ id: decision.id, actor: approver });
    if (approved.status === 'approved' && !jit) active.set(decision.id, { role, policyArn, requester });
    count(jit ? 'grant-jit' : 'grant');
  };

  const batch = options.batch ?? 10;
  let done = 0;
  let consoleChanges = 0;
  let batches = 0;
  const consoleChanged = new Set<string>();
  while (done < options.decisions) {
    const n = Math.min(batch, options.decisions - done);
    for (let i = 0; i < n; i++) {
      try {
        await fileOne();
      } catch (error) {
        // Governance itself runs on the clean client: a refusal here is a conflict of the soak's own
        // making (e.g. ten active grants on one role), not a fault; count it.
        count(`refused: ${(error as Error).name}`);
      }
    }
    done += n;
    // Time passes: JIT grants expire and their scheduled revokes fall due.
    clock.advance(random.int(5, 60) * 60_000);
    // Now and then a console change behind governance's back (the drift scan must find each one).
    if (batches++ % 20 === 2) {
      const role = random.pick(roles);
      try {
        world.sandbox.console('AttachRolePolicy', { RoleName: role, PolicyArn: CONSOLE_POLICY });
        consoleChanged.add(role);
        consoleChanges++;
      } catch {
        // the role is at its quota of managed policies: no console change this time
      }
    }
    await drain();
    if (drains % 20 === 0) await checkAppendOnly();
    options.onProgress?.(
      `${done}/${options.decisions} decisions, ${drains} drains, faults ${sum(plan.injected)}`,
    );
  }

  // Settle, as operators do after an incident: faults end, time runs past every JIT grant, held
  // events arrive, and the dead-letter queue is redriven once.
  plan.quiesce();
  clock.advance(7 * 24 * 3_600_000);
  for (let i = 0; i < 3; i++) await drain();
  const deadLettered = world.deadEvents.length + 0;
  let redriven = 0;
  for (let i = 0; i < 3 && world.deadEvents.length > 0; i++) {
    redriven += await world.redrive();
    await drain();
  }
  await checkAppendOnly();

  // Invariants.
  const decisions: Decision[] = [];
  for (const status of ['pending', 'approved', 'rejected', 'cancelled', 'revoked', 'expired'] as const)
    decisions.push(...(await world.stores.decisions.listByStatus(status)));
  const byId = new Map(decisions.map((d) => [d.id, d]));
  const executions = (await scanAll(
    options.client,
    options.names.executions,
  )) as unknown as ExecutionRecord[];
  const everApproved = (d: Decision | undefined) =>
    d !== undefined && ['approved', 'revoked', 'expired'].includes(d.status);

  // 1. No IAM change without an approved decision at that version; no forged delivery changed IAM.
  const mutationKeys = new Map<string, number>();
  for (const m of world.sandbox.mutations) {
    const c = m.context;
    if (c?.via === 'console') continue;
    if (!c || c.forged) {
      violations.push(`IAM ${m.command} ${m.input} made ${c ? 'by a forged event' : 'outside any delivery'}`);
      continue;
    }
    const decision = c.decisionId ? byId.get(c.decisionId) : undefined;
    // The event's version must be the decision's approval (or its revoke or expiry) at that version.
    const step = decision?.history.find((h) => h.version === c.version);
    const wanted = EVENT_ACTIONS[c.detailType ?? ''] ?? [];
    if (!everApproved(decision) || !step || !wanted.includes(step.action))
      violations.push(
        `IAM ${m.command} for ${c.detailType} of decision ${c.decisionId} v${c.version}, which is no ${wanted.join('/')} at that version`,
      );
    const key = `${c.decisionId}|${c.detailType}|${c.version}|${m.command}|${m.input}`;
    mutationKeys.set(key, (mutationKeys.get(key) ?? 0) + 1);
  }
  let duplicated = 0;
  for (const [key, n] of mutationKeys)
    if (n > 1) {
      duplicated += n - 1;
      violations.push(`IAM mutation applied ${n} times: ${key}`);
    }

  // 2. Every approved decision ends succeeded, or failed with a finding (its latest version).
  const completes = new Map<string, ExecutionRecord[]>();
  const started = new Set<string>();
  for (const e of executions) {
    const key = `${e.decisionId}|${e.decisionVersion}`;
    started.add(key);
    if (e.action === COMPLETE_ACTION) completes.set(key, [...(completes.get(key) ?? []), e]);
  }
  for (const [key, list] of completes)
    if (list.length > 1) {
      duplicated += list.length - 1;
      violations.push(`${list.length} completion records for ${key}`);
    }
  const failedFindings = new Set(
    (await world.stores.findings.listByStatus('open', 'provisioning-failed')).map((f) =>
      String(f.evidence.decisionId ?? ''),
    ),
  );
  let lost = 0;
  let stuck = 0;
  const finalCounts = { succeeded: 0, failed: 0, refused: 0 };
  const failureSamples: string[] = [];
  for (const d of decisions) {
    if (d.kind !== 'grant' || !everApproved(d)) continue;
    const key = `${d.id}|${d.version}`;
    const complete = completes.get(key)?.[0];
    if (!complete) {
      // An approval that reached the executor only after its window had closed ends unexecuted, with
      // a provisioning-failed finding: failed with a finding, not lost.
      if (!started.has(key) && failedFindings.has(d.id)) {
        finalCounts.failed++;
        continue;
      }
      if (started.has(key)) {
        stuck++;
        violations.push(`stuck: ${d.id} v${d.version} (${d.status}) started but never completed`);
      } else {
        lost++;
        violations.push(`lost: ${d.id} v${d.version} (${d.status}) has no execution`);
      }
      continue;
    }
    finalCounts[complete.status]++;
    if (complete.status !== 'succeeded' && failureSamples.length < 5)
      failureSamples.push(`${d.id} ${complete.status}: ${complete.error ?? ''}`.slice(0, 400));
    if (complete.status !== 'succeeded' && !failedFindings.has(d.id))
      violations.push(`${d.id} v${d.version} ended ${complete.status} with no provisioning-failed finding`);
  }

  // 3. The sandbox equals the approved state: each role holds exactly its in-force grants (and the
  //    deliberate console changes), and a drift scan finds only those.
  const account = world.sandbox.iam.account();
  const expected = new Map<string, Set<string>>();
  const asOf = clock.now();
  for (const d of decisions) {
    if (d.kind !== 'grant' || d.status !== 'approved') continue;
    // A grant whose execution failed (with its finding) was never in force.
    if (completes.get(`${d.id}|${d.version}`)?.[0]?.status !== 'succeeded') continue;
    if (d.expiresAt && Date.parse(d.expiresAt) <= asOf.getTime()) continue;
    const entitlement = (d.request as { entitlement?: { policyArn?: string } }).entitlement;
    const name = d.identityKey.replace(/^role\//, '');
    if (!entitlement?.policyArn) continue;
    const set = expected.get(name) ?? new Set<string>();
    set.add(entitlement.policyArn);
    expected.set(name, set);
  }
  for (const role of account.RoleDetailList) {
    const held = new Set(role.AttachedManagedPolicies.map((p) => p.PolicyArn));
    const want = new Set(expected.get(role.RoleName) ?? []);
    if (consoleChanged.has(role.RoleName)) want.add(CONSOLE_POLICY);
    const missing = [...want].filter((p) => !held.has(p));
    const extra = [...held].filter((p) => !want.has(p));
    if (missing.length > 0 || extra.length > 0)
      violations.push(`sandbox role ${role.RoleName}: missing [${missing}] extra [${extra}]`);
  }
  const drift = await driftScan(world, options, policy, asOf);
  const unexpectedDrift = drift.filter((f) => !consoleChanged.has(f.role) || f.policyArn !== CONSOLE_POLICY);
  for (const f of unexpectedDrift)
    violations.push(`drift scan: ${f.role} holds ${f.policyArn} with no decision`);
  const missedConsole = [...consoleChanged].filter((r) => !drift.some((f) => f.role === r));
  for (const r of missedConsole) violations.push(`drift scan missed the console change on ${r}`);

  if (process.env.SOAK_DEBUG && violations.length > 0) {
    const roles = new Set(violations.map((v) => /soak-role-\d+/.exec(v)?.[0]).filter(Boolean));
    const lostIds = violations.map((v) => /lost: (\S+)/.exec(v)?.[1]).filter(Boolean) as string[];
    for (const d of decisions)
      if (roles.has(d.identityKey.replace('role/', '')) || lostIds.includes(d.id))
        console.error(
          'DECISION',
          d.id,
          d.identityKey,
          d.status,
          d.version,
          JSON.stringify(d.history.map((h) => [h.action ?? '', h.version, h.at])),
        );
    for (const m of world.sandbox.mutations)
      if (
        [...roles].some((r) => m.input.includes(r as string)) ||
        lostIds.some((id) => m.context?.decisionId === id)
      )
        console.error('MUTATION', JSON.stringify(m));
    const ids = [
      ...lostIds,
      ...decisions.filter((d) => roles.has(d.identityKey.replace('role/', ''))).map((d) => d.id),
    ];
    for (const line of world.log) if (ids.some((id) => line.includes(id))) console.error('DELIVERY', line);
    for (const e of executions)
      if (lostIds.includes(e.decisionId) || [...roles].some((r) => e.identityKey.includes(r as string)))
        console.error('EXEC', e.decisionId, e.decisionVersion, e.step, e.action, e.status, e.error ?? '');
  }
  world.pipeline.destroy();
  return {
    seed: options.seed,
    decisions: options.decisions,
    filed,
    faults: { ...plan.injected },
    faultsTotal: sum(plan.injected),
    drains,
    deliveries,
    deadLettered,
    redriven,
    forgedRefused: world.forgedDeliveries.refused + world.forgedDeliveries.threw,
    consoleChanges,
    iamMutations: world.sandbox.mutations.length,
    dynamoRequests,
    executionsFinal: finalCounts,
    failureSamples,
    lost,
    stuck,
    duplicated,
    violations,
  };
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The scanner on the sandbox as it is now: the drift (unapproved-access) findings, by role and policy. */
async function driftScan(
  world: SoakWorld,
  options: SoakOptions,
  policy: Policy,
  asOf: Date,
): Promise<{ role: string; policyArn: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-soak-'));
  try {
    const account = world.sandbox.iam.account();
    writeFileSync(join(dir, 'gaad.json'), JSON.stringify(account));
    writeFileSync(join(dir, 'report.csv'), credentialReportCsv(account));
    const inventory = await readSnapshot({
      gaadPath: join(dir, 'gaad.json'),
      credentialReportPath: join(dir, 'report.csv'),
    });
    const stores = world.stores;
    const result = await runScan(
      {
        decisions: stores.decisions,
        findings: stores.findings,
        metrics: stores.findings,
        executions: stores.executions,
        scans: new DynamoScanLog(stores.doc, options.names.findings),
        revokes: { requestRevoke: async () => undefined },
      },
      { inventory, policy, asOf, now: asOf, accountId: SOAK_ACCOUNT },
    );
    // Entitlement drift: an attached policy with no approved grant. (The soak's roles themselves were
    // seeded, not created by create-identity decisions, so their own unapproved-access is expected.)
    return result.findings
      .filter((f) => f.type === 'unapproved-access' && f.status === 'open' && 'policyArn' in f.evidence)
      .map((f) => ({
        role: f.identityKey.replace(/^role\//, ''),
        policyArn: String((f.evidence as { policyArn?: unknown } | undefined)?.policyArn ?? f.title),
      }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { FAULT_KINDS };
