import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { diff, type Harness, harness, snapshot } from '../../../integration/governance/harness.js';
import { ALICE, BOB, CAROL } from '../../../support/builders.js';
import { defaultPolicyJsonFile } from '../../../support/policy.js';

// The module-scope handler is built from the environment when the file is imported.
vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.POWERTOOLS_DEV = 'true';
});
// Deployed functions read the policy as JSON, written from the YAML file at synth time.
process.env.POLICY_FILE = defaultPolicyJsonFile();
const { buildHandler, handler: moduleHandler } = await import(
  '../../../../functions/governance-api/handler.js'
);

const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};

function event(
  method: string,
  path: string,
  caller: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      ...(caller ? { authorizer: { iam: { userArn: caller, accountId: '111122223333' } } } : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

let h: Harness;
let handle: ReturnType<typeof buildHandler>;
const logged: unknown[] = [];
beforeEach(async () => {
  h = await harness();
  handle = buildHandler({ governance: h.gov, logError: (_m, e) => logged.push(e) });
});

const call = async (...args: Parameters<typeof event>) => {
  const res = await handle(event(...args));
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
};

describe('governance-api handler', () => {
  it('exports a middy handler built from the environment', () => {
    expect(typeof moduleHandler).toBe('function');
  });

  it('submits a request as the IAM caller and approves it as another caller (201, 200)', async () => {
    const created = await call('POST', '/requests', ALICE, grant);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', requester: ALICE });
    const approved = await call('POST', `/decisions/${created.body.id}/approve`, BOB, {
      note: 'ok for the batch',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvals: [{ approver: BOB }] });
    const read = await call('GET', `/decisions/${created.body.id}`, CAROL);
    expect(read.body).toEqual(approved.body);
  });

  it('takes the approver from requestContext, never from the body: a body approver field is refused (400) and nothing is written', async () => {
    const created = await call('POST', '/requests', ALICE, grant);
    const before = await snapshot(h.tables);
    const res = await call('POST', `/decisions/${created.body.id}/approve`, ALICE, { approver: BOB });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      expect.objectContaining({ path: '(root)', message: expect.stringMatching(/approver/) }),
    ]);
    expect(await snapshot(h.tables)).toEqual(before);
    // and without the field, the caller ALICE is the approver: self-approval, refused
    const self = await call('POST', `/decisions/${created.body.id}/approve`, ALICE);
    expect(self.status).toBe(403);
    expect(self.body.error).toBe('SEPARATION_OF_DUTIES');
  });

  it('answers 400 naming every invalid field and writes nothing', async () => {
    const before = await snapshot(h.tables);
    const res = await call('POST', '/requests', ALICE, {
      ...grant,
      identity: { type: 'role', name: 'bad name' },
      justification: 'short',
      requester: BOB,
    });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      '(root)',
      'identity.name',
      'justification',
    ]);
    const bad = await call('POST', '/requests', ALICE, '{not json');
    expect(bad.status).toBe(400);
    const { owner: _owner, ...ownerless } = grant;
    const noOwner = await call('POST', '/requests', ALICE, ownerless);
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.issues).toEqual([{ path: 'owner', message: expect.stringMatching(/required/) }]);
    expect(await snapshot(h.tables)).toEqual(before);
  });

  it('stores one decision per account for a request naming several, and none when one account is bad', async () => {
    const before = await snapshot(h.tables);
    const bad = await call('POST', '/requests', ALICE, {
      ...grant,
      accounts: ['111111111111', '11111111111'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('accounts[1]');
    expect(await snapshot(h.tables)).toEqual(before);
    const res = await call('POST', '/requests', ALICE, {
      ...grant,
      accounts: ['111111111111', '222222222222'],
    });
    expect(res.status).toBe(201);
    expect(res.body.decisions.map((d: { accountId: string }) => d.accountId)).toEqual([
      '111111111111',
      '222222222222',
    ]);
  });

  it('answers 403 for a policy denial, 404 for an unknown decision, 409 for a wrong state', async () => {
    const denied = await call('POST', '/requests', ALICE, { ...grant, durationHours: 721 });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('POLICY_DENIED');
    expect((await call('GET', '/decisions/01UNKNOWNDECISION0000000000', ALICE)).status).toBe(404);
    expect((await call('POST', '/decisions/01UNKNOWNDECISION0000000000/approve', BOB)).status).toBe(404);
    const created = await call('POST', '/requests', ALICE, grant);
    await call('POST', `/decisions/${created.body.id}/cancel`, ALICE);
    const late = await call('POST', `/decisions/${created.body.id}/approve`, BOB);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('CONFLICT');
  });

  it('refuses a request without an authenticated caller (403) and writes nothing', async () => {
    const before = await snapshot(h.tables);
    const res = await call('POST', '/requests', undefined, grant);
    expect(res.status).toBe(403);
    expect(diff(before, await snapshot(h.tables)).added).toEqual([]);
  });

  it('never returns the task token, and hides internals on 500', async () => {
    const d = await h.gov.submit({
      request: grant,
      requester: ALICE,
      source: 'step-functions',
      taskToken: 'secret-token',
    });
    const read = await call('GET', `/decisions/${d.id}`, BOB);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain('secret-token');
    const broken = buildHandler({
      governance: {
        ...h.gov,
        get: async () => {
          throw new Error('socket hang up at 10.1.2.3');
        },
      },
      logError: (_m, e) => logged.push(e),
    });
    const res = await broken(event('GET', `/decisions/${d.id}`, BOB));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('10.1.2.3');
    expect(logged).toContainEqual(expect.objectContaining({ message: 'socket hang up at 10.1.2.3' }));
  });

  it('routes exceptions, renewals, campaigns and break-glass review', async () => {
    const exception = await call('POST', '/exceptions', ALICE, {
      identity: { type: 'user', name: 'legacy-ftp' },
      findingTypes: ['unrotated-access-key'],
      riskAcceptance: {
        owner: 'team-legacy',
        risk: 'vendor cannot rotate yet',
        compensatingControls: ['IP condition'],
        residualSeverity: 'medium',
      },
      expiresAt: '2026-04-01T00:00:00.000Z',
      justification: 'vendor migration finishes in March',
    });
    expect(exception.status).toBe(201);
    await call('POST', `/decisions/${exception.body.id}/approve`, BOB);
    await call('POST', `/decisions/${exception.body.id}/approve`, CAROL);
    const renewal = await call('POST', `/exceptions/${exception.body.id}/renew`, ALICE, {
      expiresAt: '2026-05-01T00:00:00.000Z',
      justification: 'migration slipped to April',
    });
    expect(renewal).toMatchObject({ status: 201, body: { renewalOf: exception.body.id } });

    const g = await call('POST', '/requests', ALICE, grant);
    await call('POST', `/decisions/${g.body.id}/approve`, BOB);
    const campaign = await call('POST', '/campaigns', CAROL, { name: 'Q1' });
    expect(campaign.status).toBe(201);
    const itemId = campaign.body.items[0].itemId;
    const reviewed = await call(
      'POST',
      `/campaigns/${campaign.body.campaign.id}/items/${itemId}/review`,
      CAROL,
      { outcome: 'keep' },
    );
    // CAROL: BOB approved the grant, so he is not independent of it (issue #10 class 3).
    expect(reviewed).toMatchObject({ status: 200, body: { item: { outcome: 'keep', reviewer: CAROL } } });
    const read = await call('GET', `/campaigns/${campaign.body.campaign.id}`, BOB);
    expect(read.body.campaign.status).toBe('closed');

    const bg = await call('POST', '/requests', 'arn:aws:iam::111122223333:role/oncall-dana', {
      kind: 'break-glass',
      identity: { type: 'role', name: 'payments-api' },
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      durationMinutes: 30,
      justification: 'SEV1: payments API is down, need to restart the cluster',
      owner: 'team-payments',
    });
    expect(bg.body.status).toBe('approved');
    const review = await call('POST', `/decisions/${bg.body.id}/review`, BOB, { outcome: 'revoke' });
    expect(review.body).toMatchObject({ status: 'revoked', reviewedBy: BOB });
    expect((await call('DELETE', '/requests', BOB)).status).toBe(404);
  });
});
