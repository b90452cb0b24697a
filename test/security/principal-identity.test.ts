import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localTableNames } from '../../lib/config/tables.js';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../lib/domain/errors.js';
import { parseCaller } from '../../lib/domain/governance/principals.js';
import { parsePolicy } from '../../lib/domain/policy/parse.js';
import { principalKey, samePrincipal } from '../../lib/domain/principal.js';
import { diff, type Harness, harness, snapshot } from '../integration/governance/harness.js';
import { ALICE, BOB } from '../support/builders.js';
import { localCliEnv, runCli } from '../support/cli.js';
import { defaultPolicyJsonFile } from '../support/policy.js';
import { arbMalformed, arbName, arbRoleSpelling } from './principal-arbitraries.js';

// The handler modules build their module-scope handler from the environment when imported.
vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.TASK_REQUESTER_ARNS = 'arn:aws:iam::111122223333:role/payments-workflow-sm';
  process.env.POWERTOOLS_DEV = 'true';
});
// Deployed functions read the policy as JSON, written from the YAML file at synth time.
process.env.POLICY_FILE = defaultPolicyJsonFile();
const api = await import('../../functions/governance-api/handler.js');
const task = await import('../../functions/governance-task/handler.js');

const ACCOUNT = '111122223333';
const arbAccount = fc.stringMatching(/^\d{12}$/).filter((a) => a !== '000000000000');
const readOnlyGrant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};
const adminGrant = {
  ...readOnlyGrant,
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
  durationHours: 2,
};

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

describe('principal identity: one principal, one identity (issue #10 class 1)', () => {
  it('compares every IAM spelling of one role equal: any path, any name case, any session', () => {
    const arbSpellings = fc
      .tuple(arbAccount, arbName)
      .chain(([account, name]) => fc.array(arbRoleSpelling(account, name), { minLength: 2, maxLength: 4 }));
    fc.assert(
      fc.property(arbSpellings, (spellings) => {
        for (const a of spellings)
          for (const b of spellings) {
            expect(samePrincipal(a, b)).toBe(true);
            expect(principalKey(a)).toBe(principalKey(b));
          }
      }),
      { numRuns: 1000 },
    );
  });

  it('tells apart principals of another account, another name, or a role and a user of one name', () => {
    fc.assert(
      fc.property(arbAccount, arbAccount, arbName, arbName, (a1, a2, n1, n2) => {
        const same = a1 === a2 && n1.toLowerCase() === n2.toLowerCase();
        expect(
          samePrincipal(`arn:aws:iam::${a1}:role/${n1}`, `arn:aws:sts::${a2}:assumed-role/${n2}/s1`),
        ).toBe(same);
        expect(samePrincipal(`arn:aws:iam::${a1}:role/${n1}`, `arn:aws:iam::${a1}:user/${n1}`)).toBe(false);
        expect(samePrincipal(`arn:aws:iam::${a1}:role/${n1}`, `arn:aws-cn:iam::${a1}:role/${n1}`)).toBe(
          false,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses every malformed spelling as invalid input naming the field (trailing slash, no session, wrong partition, root, federated user, ...)', () => {
    const arbBad = fc.tuple(arbAccount, arbName).chain(([account, name]) => arbMalformed(account, name));
    fc.assert(
      fc.property(arbBad, (bad) => {
        expect(() => parseCaller(bad, '--as')).toThrow(ValidationError);
        expect(() => parseCaller(bad, '--as')).toThrow(
          /^--as ".*" is (not an IAM principal ARN|in account 000000000000)/s,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses self-approval through any spelling of the requester, keeping only the denied attempts', async () => {
    // Arrange: ALICE requests under one spelling
    const requester = `arn:aws:sts::${ACCOUNT}:assumed-role/Team-Lead-Alice/laptop`;
    const pending = await h.gov.submit({ request: readOnlyGrant, requester, source: 'api' });
    const before = await snapshot(h.tables);
    let attempts = 0;
    // Act: every other spelling of ALICE tries to approve
    await fc.assert(
      fc.asyncProperty(arbRoleSpelling(ACCOUNT, 'team-lead-alice'), async (spelling) => {
        attempts += 1;
        await expect(h.gov.approve({ id: pending.id, actor: spelling })).rejects.toBeInstanceOf(
          SeparationOfDutiesError,
        );
      }),
      { numRuns: 50 },
    );
    // Assert: the decision is untouched; the only writes are one denied attempt per try
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added).toHaveLength(attempts);
    expect(added.every((i) => i.entity === 'denied-attempt' && i.code === 'SEPARATION_OF_DUTIES')).toBe(true);
    expect(await h.decisions.get(pending.id, { consistent: true })).toMatchObject({
      status: 'pending',
      version: 1,
    });
  });

  it('never counts one approver twice towards a quorum, whatever the spelling, also when racing', async () => {
    // Arrange: a high-tier grant (2 approvals); BOB approves once under his plain ARN
    const pending = await h.gov.submit({ request: adminGrant, requester: ALICE, source: 'api' });
    await h.gov.approve({ id: pending.id, actor: BOB });
    const before = await snapshot(h.tables);
    // Act: other spellings of BOB try to complete the quorum
    await fc.assert(
      fc.asyncProperty(arbRoleSpelling(ACCOUNT, 'security-approver-bob'), async (spelling) => {
        await expect(h.gov.approve({ id: pending.id, actor: spelling })).rejects.toBeInstanceOf(
          SeparationOfDutiesError,
        );
      }),
      { numRuns: 50 },
    );
    // Assert: still one approval of two
    const { removedOrChanged, added } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added.every((i) => i.entity === 'denied-attempt')).toBe(true);
    expect(await h.decisions.get(pending.id, { consistent: true })).toMatchObject({
      status: 'pending',
      approvals: [expect.objectContaining({ approver: BOB })],
    });

    // Act: two spellings of CAROL race on a fresh high-tier decision
    const race = await h.gov.submit({ request: adminGrant, requester: ALICE, source: 'api' });
    const spellings = fc.sample(arbRoleSpelling(ACCOUNT, 'security-approver-carol'), 2);
    const results = await Promise.allSettled(spellings.map((actor) => h.gov.approve({ id: race.id, actor })));
    // Assert: at most one counted (the table keys approvals on the canonical principal)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    // Whichever way the race ends: the loser sees the winner's approval, or the table refuses its key
    expect(
      rejected.reason instanceof ConflictError || rejected.reason instanceof SeparationOfDutiesError,
    ).toBe(true);
    const stored = await h.decisions.get(race.id, { consistent: true });
    expect(stored).toMatchObject({ status: 'pending', approvals: [expect.anything()] });
  });

  it('keeps the display case and compares on the canonical one (approval stored as the role ARN as given)', async () => {
    const pending = await h.gov.submit({ request: readOnlyGrant, requester: ALICE, source: 'api' });
    const approved = await h.gov.approve({
      id: pending.id,
      actor: `arn:aws:sts::${ACCOUNT}:assumed-role/Security-Approver-Bob/desk`,
    });
    expect(approved.approvals).toEqual([
      expect.objectContaining({ approver: `arn:aws:iam::${ACCOUNT}:role/Security-Approver-Bob` }),
    ]);
    expect(await h.decisions.listApprovalsBy(BOB)).toEqual(
      expect.arrayContaining([expect.objectContaining({ decisionId: pending.id })]),
    );
  });
});

describe('principal identity at every entry point: malformed callers are refused before anything is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-sec-principal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('CLI --as: exit 2 naming --as, nothing written (1,000 malformed spellings)', async () => {
    const env = localCliEnv('sec-principal');
    const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: '2026-03-02T09:00:00.000Z' });
    // A store that exists (and is bound), so "nothing written" is checked against real tables
    expect((await cli('decision', 'show', '01NOSUCHDECISION000000000')).code).toBe(2);
    const tables = { ...h.tables, names: localNames(env.NHI_GOV_TABLE_PREFIX) };
    const before = await snapshot(tables);
    await fc.assert(
      fc.asyncProperty(arbName, arbMalformed(ACCOUNT, 'team-lead-alice'), async (_n, bad) => {
        const run = await cli('approve', '01NOSUCHDECISION000000000', '--as', bad);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(
          /^nhi-gov: --as ".*" is (not an IAM principal ARN|in account 000000000000)/s,
        );
      }),
      { numRuns: 1000 },
    );
    expect(diff(before, await snapshot(tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('HTTP API: 400 for a malformed authorizer ARN on every route, nothing written (1,000 cases)', async () => {
    const handle = api.buildHandler({ governance: h.gov });
    const target = await h.gov.submit({ request: readOnlyGrant, requester: ALICE, source: 'api' });
    const routes: [string, string, unknown][] = [
      ['POST', '/requests', readOnlyGrant],
      ['POST', `/decisions/${target.id}/approve`, {}],
      ['POST', `/decisions/${target.id}/revoke`, {}],
      ['GET', `/decisions/${target.id}`, undefined],
      ['POST', '/campaigns', { name: 'Q1' }],
    ];
    const before = await snapshot(h.tables);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        // An empty ARN is no authenticated caller at all: 403 UNAUTHENTICATED, tested elsewhere
        arbMalformed(ACCOUNT, 'security-approver-bob').filter((bad) => bad !== ''),
        async ([method, path, body], bad) => {
          const res = await handle(apiEvent(method, path, bad, body));
          expect(res.statusCode).toBe(400);
          expect(JSON.parse(res.body ?? '{}')).toMatchObject({ error: 'VALIDATION_FAILED' });
        },
      ),
      { numRuns: 1000 },
    );
    expect(diff(before, await snapshot(h.tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('Step Functions: a malformed requester fails the task with VALIDATION_FAILED, nothing written (1,000 cases)', async () => {
    const failed: string[] = [];
    const handle = task.buildHandler({
      governance: h.gov,
      callback: {
        succeed: async () => 'sent',
        fail: async (_token, error) => {
          failed.push(error);
          return 'sent';
        },
      },
      requesterArns: ['arn:aws:iam::111122223333:role/payments-workflow-sm'],
    });
    const before = await snapshot(h.tables);
    await fc.assert(
      fc.asyncProperty(arbMalformed(ACCOUNT, 'payments-workflow-sm'), async (bad) => {
        const result = await handle({ taskToken: 'tok', request: readOnlyGrant, requester: bad });
        expect(result).toMatchObject({ refused: 'VALIDATION_FAILED' });
      }),
      { numRuns: 1000 },
    );
    expect(failed.every((e) => e === 'VALIDATION_FAILED')).toBe(true);
    expect(diff(before, await snapshot(h.tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('Step Functions: a session or another case of a listed workflow role is that role', async () => {
    const handle = task.buildHandler({
      governance: h.gov,
      callback: { succeed: async () => 'sent', fail: async () => 'sent' },
      requesterArns: ['arn:aws:iam::111122223333:role/payments-workflow-sm'],
    });
    const result = await handle({
      taskToken: 'tok-session',
      request: readOnlyGrant,
      requester: 'arn:aws:sts::111122223333:assumed-role/Payments-Workflow-SM/exec-1',
    });
    expect(result).toMatchObject({ status: 'pending' });
  });

  it('campaign reviews and policy principals (approvers, operators, ticketing) refuse malformed ARNs', async () => {
    const { campaign, items } = await h.gov.startCampaign({
      body: { name: 'principal check' },
      createdBy: BOB,
    });
    const itemId = items[0]?.itemId as string;
    const before = await snapshot(h.tables);
    await fc.assert(
      fc.asyncProperty(arbMalformed(ACCOUNT, 'security-approver-carol'), async (bad) => {
        await expect(
          h.gov.reviewCampaignItem({
            campaignId: campaign.id,
            itemId,
            reviewer: bad,
            body: { outcome: 'keep' },
          }),
        ).rejects.toBeInstanceOf(ValidationError);
      }),
      { numRuns: 200 },
    );
    expect(diff(before, await snapshot(h.tables))).toEqual({ added: [], removedOrChanged: [] });
    // Ticketing principals (the requester of EventBridge requests) are parsed strictly with the policy
    fc.assert(
      fc.property(
        arbMalformed(ACCOUNT, 'servicenow-integration').filter((b) => !b.includes('000000000000')),
        (bad) => {
          const text = `${policyText()}\nticketing:\n  - source: com.example.servicenow\n    principal: ${JSON.stringify(bad)}\n`;
          expect(() => parsePolicy(text, 'policy.yaml')).toThrow(/ticketing\[0\]\.principal/);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function apiEvent(method: string, path: string, caller: string, body?: unknown) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      authorizer: { iam: { userArn: caller, accountId: ACCOUNT } },
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

function localNames(prefix: string) {
  return localTableNames(prefix);
}

function policyText(): string {
  return readFileSync(new URL('../../policy/default.yaml', import.meta.url), 'utf8').replace(
    /\n# ticketing:[\s\S]*$/,
    '\n',
  );
}
