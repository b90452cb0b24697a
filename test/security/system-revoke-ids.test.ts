import { beforeEach, describe, expect, it } from 'vitest';
import { derivedId } from '../../lib/domain/governance/deps.js';
import { diff, type Harness, harness, snapshot } from '../integration/governance/harness.js';
import { ALICE, BOB } from '../support/builders.js';

const request = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  durationHours: 1,
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

async function expiredGrant() {
  const d = await h.gov.submit({ request, requester: ALICE, source: 'api' });
  const grant = await h.gov.approve({ id: d.id, actor: BOB });
  h.clock.set(new Date(Date.parse(grant.expiresAt as string) + 120_000).toISOString());
  return grant;
}
const detail = (decisionId: string, at: string) => ({
  schemaVersion: '1' as const,
  decisionId,
  reason: 'jit-expiry' as const,
  requestedBy: 'system:scheduler',
  requestedAt: at,
});

describe('system revoke ids are unguessable, and the system revoke still happens once (issue #10 class 4, governance side)', () => {
  it('does not derive the revoke id from the grant id (the old sha256("system-revoke", grant) scheme)', async () => {
    const grant = await expiredGrant();
    const revoke = await h.gov.fileSystemRevoke(detail(grant.id, h.clock.now().toISOString()));
    expect(revoke?.id).toBeDefined();
    expect(revoke?.id).not.toBe(derivedId('system-revoke', grant.id));
    // Two grants' revokes share no derivable structure with their grants
    expect(revoke?.id).not.toContain(grant.id);
  });

  it('files one revoke per grant however often and however concurrently it is asked, and a replay writes nothing', async () => {
    const grant = await expiredGrant();
    const at = h.clock.now().toISOString();
    // Act: eight concurrent deliveries of the same RevokeRequested
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => h.gov.fileSystemRevoke(detail(grant.id, at))),
    );
    const ids = new Set(results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value.id] : [])));
    // Assert: one revoke decision for the grant, the grant revoked once
    expect(ids.size).toBe(1);
    const revokes = (await h.decisions.listByIdentity('role/payments-batch')).filter(
      (d) => d.kind === 'revoke',
    );
    expect(revokes).toHaveLength(1);
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('revoked');
    // A later replay returns the same decision and writes nothing
    const before = await snapshot(h.tables);
    const replay = await h.gov.fileSystemRevoke(detail(grant.id, at));
    expect(replay?.id).toBe([...ids][0]);
    expect(diff(before, await snapshot(h.tables))).toEqual({ added: [], removedOrChanged: [] });
  });

  it('cannot be pre-empted: a decision planted under the old derived id does not stop the genuine system revoke', async () => {
    const grant = await expiredGrant();
    // An attacker who could predict the id would plant something there first (here: a cancelled decision)
    const planted = derivedId('system-revoke', grant.id);
    const decoy = await h.gov.submit({ request, requester: ALICE, source: 'api' });
    await h.decisions.create({ ...decoy, id: planted, status: 'cancelled', version: 1 });
    const revoke = await h.gov.fileSystemRevoke(detail(grant.id, h.clock.now().toISOString()));
    expect(revoke).toMatchObject({ kind: 'revoke', revokes: grant.id, status: 'approved' });
    expect(revoke?.id).not.toBe(planted);
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('revoked');
  });
});
