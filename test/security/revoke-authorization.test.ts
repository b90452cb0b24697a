import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoCampaignStore } from '../../lib/adapters/dynamodb/campaign-store.js';
import { ulidGenerator } from '../../lib/adapters/system.js';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import type { Decision } from '../../lib/domain/decision.js';
import { SeparationOfDutiesError } from '../../lib/domain/errors.js';
import { createGovernance } from '../../lib/domain/governance/index.js';
import { diff, type Harness, harness, snapshot } from '../integration/governance/harness.js';
import {
  BOUNDARY,
  NOW,
  harness as provisioningHarness,
  READ_ONLY,
} from '../integration/provisioning/harness.js';
import { ALICE, BOB, CAROL } from '../support/builders.js';
import { defaultPolicyJsonFile } from '../support/policy.js';
import { arbRoleSpelling } from './principal-arbitraries.js';

vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.POWERTOOLS_DEV = 'true';
});
// Deployed functions read the policy as JSON, written from the YAML file at synth time.
process.env.POLICY_FILE = defaultPolicyJsonFile();
const api = await import('../../functions/governance-api/handler.js');
const events = await import('../../functions/governance-events/handler.js');

const ACCOUNT = '111122223333';
const OWNER = `arn:aws:iam::${ACCOUNT}:role/payments-owner`;
const OPERATOR = `arn:aws:sts::${ACCOUNT}:assumed-role/platform-operator-ops/ci`;
const STRANGER = `arn:aws:iam::${ACCOUNT}:role/dev-mallory`;
const TEAM_LEAD = `arn:aws:iam::${ACCOUNT}:role/team-lead-erin`;
const SNOW = `arn:aws:iam::${ACCOUNT}:role/servicenow-integration`;
const entitlement = { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
const grantRequest = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement,
  owner: OWNER,
  justification: 'nightly reconciliation job reads the ledger',
};
const revokeOf = (id: string | undefined, extra: Record<string, unknown> = {}) => ({
  kind: 'revoke',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement,
  ...(id ? { revokes: id } : {}),
  justification: 'the reconciliation job moved elsewhere',
  ...extra,
});

let h: Harness;
beforeEach(async () => {
  const base = loadPolicyFile();
  h = await harness({
    ...base,
    document: {
      ...base.document,
      ticketing: [{ source: 'com.example.servicenow', account: ACCOUNT, principal: SNOW }],
    },
  });
});

async function approvedGrant(requester = ALICE): Promise<Decision> {
  const d = await h.gov.submit({ request: grantRequest, requester, source: 'api' });
  return h.gov.approve({ id: d.id, actor: BOB });
}

describe('revoke authorization is the same on every path (issue #10 class 2)', () => {
  it('refuses a revoke request filed by an operator, keeping the denied attempt and the grant in force', async () => {
    const grant = await approvedGrant();
    const before = await snapshot(h.tables);
    await expect(
      h.gov.submit({ request: revokeOf(grant.id), requester: OPERATOR, source: 'api' }),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.objectContaining({
        entity: 'denied-attempt',
        action: 'submit revoke',
        code: 'SEPARATION_OF_DUTIES',
      }),
    ]);
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('approved');
  });

  it('never auto-approves a revoke request from someone who may not end the grant (revoke-is-always-safe does not apply)', async () => {
    const grant = await approvedGrant();
    const filed = await h.gov.submit({ request: revokeOf(grant.id), requester: STRANGER, source: 'api' });
    expect(filed).toMatchObject({ status: 'pending', approvals: [], revokes: grant.id });
    expect(filed.requiredApprovals).toBeGreaterThan(0);
    expect(filed.history[0]?.note).toMatch(/^needs approval:/);
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('approved');
    // An approver of the revoke's tier can then approve it, ending the grant
    await h.gov.approve({ id: filed.id, actor: CAROL });
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('revoked');
  });

  it('lets the requester, the owner and a tier approver end the grant at once, in any spelling', async () => {
    const who = fc.constantFrom(
      { name: 'team-lead-alice', role: 'requester' },
      { name: 'payments-owner', role: 'owner' },
      { name: 'security-approver-carol', role: 'approver' },
    );
    await fc.assert(
      fc.asyncProperty(
        who.chain((w) => arbRoleSpelling(ACCOUNT, w.name).map((spelling) => ({ ...w, spelling }))),
        async ({ spelling }) => {
          const grant = await approvedGrant();
          const filed = await h.gov.submit({
            request: revokeOf(grant.id),
            requester: spelling,
            source: 'api',
          });
          expect(filed.status).toBe('approved');
          expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('revoked');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fills in the one grant a revoke without `revokes` ends, and judges the requester against it', async () => {
    const grant = await approvedGrant();
    const filed = await h.gov.submit({ request: revokeOf(undefined), requester: STRANGER, source: 'cli' });
    expect(filed).toMatchObject({ status: 'pending', revokes: grant.id });
  });

  it('applies the same rule to the direct revoke (CLI `revoke`, POST /decisions/{id}/revoke): owner yes, stranger and operator no', async () => {
    const handle = api.buildHandler({ governance: h.gov });
    const grant = await approvedGrant();
    const before = await snapshot(h.tables);
    for (const [caller, code] of [
      [STRANGER, 'POLICY_DENIED'],
      [OPERATOR, 'SEPARATION_OF_DUTIES'],
    ] as const) {
      const res = await handle(apiEvent('POST', `/decisions/${grant.id}/revoke`, caller));
      expect(res.statusCode).toBe(403);
      expect(JSON.parse(res.body ?? '{}').error).toBe(code);
    }
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added.map((i) => i.entity)).toEqual(['denied-attempt', 'denied-attempt']);
    const ok = await handle(apiEvent('POST', `/decisions/${grant.id}/revoke`, OWNER));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body ?? '{}').status).toBe('revoked');
  });

  it('HTTP POST /requests: an operator revoke request is 403; a stranger files one that waits for approval', async () => {
    const handle = api.buildHandler({ governance: h.gov });
    const grant = await approvedGrant();
    const refused = await handle(apiEvent('POST', '/requests', OPERATOR, revokeOf(grant.id)));
    expect(refused.statusCode).toBe(403);
    const filed = await handle(apiEvent('POST', '/requests', STRANGER, revokeOf(grant.id)));
    expect(filed.statusCode).toBe(201);
    expect(JSON.parse(filed.body ?? '{}')).toMatchObject({ status: 'pending' });
  });

  it('a ticketing integration (EventBridge) is not the grant requester: its revoke waits for approval', async () => {
    const grant = await approvedGrant();
    const handle = events.buildHandler({ governance: h.gov });
    const result = await handle({
      id: 'evt-revoke-1',
      source: 'com.example.servicenow',
      account: ACCOUNT,
      'detail-type': 'AccessRequested',
      detail: { schemaVersion: '1', request: revokeOf(grant.id), ticket: 'RITM0099' },
    });
    expect(result).toMatchObject({ status: 'pending' });
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('approved');
  });

  it('a campaign reviewer who is no approver of the grant tier files a revoke that waits for approval', async () => {
    // Arrange: a high-tier grant (AdministratorAccess); TEAM_LEAD approves only at tier low
    const admin = await h.gov.submit({
      request: {
        ...grantRequest,
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        durationHours: 4,
      },
      requester: ALICE,
      source: 'api',
    });
    await h.gov.approve({ id: admin.id, actor: BOB });
    const grant = await h.gov.approve({ id: admin.id, actor: CAROL });
    expect(grant.status).toBe('approved');
    const { campaign, items } = await h.gov.startCampaign({ body: { name: 'Q2' }, createdBy: BOB });
    const item = items.find((i) => i.grantDecisionId === grant.id);
    // Act
    const reviewed = await h.gov.reviewCampaignItem({
      campaignId: campaign.id,
      itemId: item?.itemId as string,
      reviewer: TEAM_LEAD,
      body: { outcome: 'revoke' },
    });
    // Assert
    expect(reviewed.revokeDecision).toMatchObject({ status: 'pending', revokes: grant.id });
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('approved');
  });

  it('the system ends an expired grant through governance (system revoke)', async () => {
    const d = await h.gov.submit({
      request: { ...grantRequest, durationHours: 1 },
      requester: ALICE,
      source: 'api',
    });
    const grant = await h.gov.approve({ id: d.id, actor: BOB });
    h.clock.set(new Date(Date.parse(grant.expiresAt as string) + 120_000).toISOString());
    const revoke = await h.gov.fileSystemRevoke({
      schemaVersion: '1',
      decisionId: grant.id,
      reason: 'jit-expiry',
      requestedBy: 'system:scheduler',
      requestedAt: h.clock.now().toISOString(),
    });
    expect(revoke).toMatchObject({ status: 'approved', revokes: grant.id });
  });
});

describe('two approved grants backing one entitlement (TEAM issue 104)', () => {
  let p: Awaited<ReturnType<typeof provisioningHarness>>;
  beforeEach(async () => {
    p = await provisioningHarness();
  });
  afterEach(() => p.restore());

  it('revoking one leaves the access the other still backs; revoking the last removes it', async () => {
    // Arrange: governance and the provision executor on the same tables; the role holds ReadOnly
    const gov = createGovernance({
      decisions: p.decisions,
      campaigns: new DynamoCampaignStore(p.tables.doc, p.tables.names.decisions),
      policy: loadPolicyFile(),
      clock: { now: () => new Date(NOW) },
      ids: ulidGenerator,
    });
    p.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY, attached: [READ_ONLY] });
    const request = { ...grantRequest, entitlement: { type: 'managed-policy', policyArn: READ_ONLY } };
    const a = await gov.approve({
      id: (await gov.submit({ request, requester: ALICE, source: 'api' })).id,
      actor: BOB,
    });
    const b = await gov.approve({
      id: (await gov.submit({ request, requester: TEAM_LEAD, source: 'api' })).id,
      actor: BOB,
    });
    const provision = p.provision();
    const run = async (d: Decision, detailType: 'DecisionApproved' | 'DecisionRevoked') =>
      provision.handle({
        detailType,
        schemaVersion: '1',
        decisionId: d.id,
        version: d.version,
        kind: d.kind,
        status: detailType === 'DecisionApproved' ? 'approved' : 'revoked',
        identityKey: d.identityKey,
      });

    // Act: ALICE ends her grant A (auto-approved: she requested it); both events reach the executor
    const revokeA = await gov.submit({
      request: revokeOf(a.id, { entitlement: request.entitlement }),
      requester: ALICE,
      source: 'api',
    });
    expect(revokeA.status).toBe('approved');
    await run(revokeA, 'DecisionApproved');
    await run((await p.decisions.get(a.id, { consistent: true })) as Decision, 'DecisionRevoked');

    // Assert: B still backs ReadOnly, so nothing was detached
    expect(p.iam.appliedCommands()).not.toContain('DetachRolePolicy');

    // Act: B ends too
    const revokeB = await gov.submit({
      request: revokeOf(b.id, { entitlement: request.entitlement }),
      requester: TEAM_LEAD,
      source: 'api',
    });
    await run(revokeB, 'DecisionApproved');
    // Assert: now the policy is detached
    expect(p.iam.appliedCommands()).toContain('DetachRolePolicy');
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
