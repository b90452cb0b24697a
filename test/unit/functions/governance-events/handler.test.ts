import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadPolicyFile } from '../../../../lib/config/policy-file.js';
import { diff, type Harness, harness, snapshot } from '../../../integration/governance/harness.js';
import { ALICE, BOB, CAROL } from '../../../support/builders.js';
import { defaultPolicyJsonFile } from '../../../support/policy.js';

vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.POWERTOOLS_DEV = 'true';
});
// Deployed functions read the policy as JSON, written from the YAML file at synth time.
process.env.POLICY_FILE = defaultPolicyJsonFile();
const events = await import('../../../../functions/governance-events/handler.js');

const SNOW = 'arn:aws:iam::111122223333:role/servicenow-integration';
const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};
const accessRequested = (overrides: Record<string, unknown> = {}, detail: Record<string, unknown> = {}) => ({
  id: 'evt-7f3a',
  source: 'com.example.servicenow',
  account: '111122223333',
  'detail-type': 'AccessRequested',
  detail: { schemaVersion: '1', request: grant, ticket: 'RITM0012345', ...detail },
  ...overrides,
});

let h: Harness;
let handle: ReturnType<typeof events.buildHandler>;
beforeEach(async () => {
  const base = loadPolicyFile();
  h = await harness({
    ...base,
    document: {
      ...base.document,
      ticketing: [{ source: 'com.example.servicenow', account: '111122223333', principal: SNOW }],
    },
  });
  handle = events.buildHandler({ governance: h.gov });
});

describe('governance-events handler', () => {
  it('exports a middy handler built from the environment', () => {
    expect(typeof events.handler).toBe('function');
  });

  it('files an AccessRequested event as the mapped ticketing principal, ignoring any requester in the detail, once per event id', async () => {
    const first = await handle(accessRequested({}, { requester: CAROL }));
    const redelivered = await handle(accessRequested({}, { requester: CAROL }));
    expect(redelivered).toEqual(first);
    if (!('decisionId' in first)) throw new Error('expected a decision');
    expect(await h.decisions.get(first.decisionId, { consistent: true })).toMatchObject({
      requester: SNOW,
      source: 'eventbridge',
      request: { ticket: 'RITM0012345' },
      status: 'pending',
    });
    expect(await h.decisions.listByIdentity('role/payments-batch')).toHaveLength(1);
  });

  it.each([
    ['an unlisted source', { source: 'com.attacker.tickets' }],
    ['a listed source from another account', { account: '999999999999' }],
  ])(
    'refuses an AccessRequested event from %s, recording only the denied attempt',
    async (_label, overrides) => {
      const before = await snapshot(h.tables);
      const result = await handle(accessRequested(overrides));
      expect(result).toMatchObject({ refused: 'POLICY_DENIED' });
      const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
      expect(removedOrChanged).toEqual([]);
      expect(added).toEqual([
        expect.objectContaining({ entity: 'denied-attempt', action: 'submit via eventbridge' }),
      ]);
    },
  );

  it('refuses an invalid AccessRequested detail without retrying and writes nothing', async () => {
    const before = await snapshot(h.tables);
    const result = await handle(
      accessRequested({}, { request: { ...grant, justification: 'x' }, ticket: '' }),
    );
    expect(result).toMatchObject({
      refused: 'VALIDATION_FAILED',
      message: expect.stringMatching(/ticket.*justification|justification.*ticket/),
    });
    expect(await snapshot(h.tables)).toEqual(before);
  });

  it('turns RevokeRequested into a system revoke of an expired grant', async () => {
    const g = await h.gov.submit({
      request: { ...grant, durationHours: 1 },
      requester: ALICE,
      source: 'api',
    });
    await h.gov.approve({ id: g.id, actor: BOB });
    h.clock.set('2026-03-02T10:00:00.000Z');
    const result = await handle({
      id: 'evt-sched-1',
      source: 'nhi-gov',
      account: '111122223333',
      'detail-type': 'RevokeRequested',
      detail: {
        schemaVersion: '1',
        decisionId: g.id,
        reason: 'jit-expiry',
        requestedBy: 'system:scheduler',
        requestedAt: '2026-03-02T10:00:00.000Z',
      },
    });
    expect(result).toMatchObject({ status: 'approved' });
    expect((await h.decisions.get(g.id))?.status).toBe('revoked');
  });

  it('ignores RevokeRequested from any source but nhi-gov', async () => {
    const before = await snapshot(h.tables);
    const result = await handle({
      id: 'evt-x',
      source: 'com.example.servicenow',
      account: '111122223333',
      'detail-type': 'RevokeRequested',
      detail: {},
    });
    expect(result).toHaveProperty('ignored');
    expect(await snapshot(h.tables)).toEqual(before);
  });
});
