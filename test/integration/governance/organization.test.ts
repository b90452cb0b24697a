import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.js';
import { PolicyDeniedError } from '../../../lib/domain/governance/index.js';
import { ALICE, BOB } from '../../support/builders.js';
import { DEV, LOOSE, orgPolicy, PAT, PROD_A, PROD_B } from '../../support/org-policy.js';
import { diff, type Harness, harness, snapshot } from './harness.js';

const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};
const PROD = new Set([PROD_A, PROD_B]);

// One set of tables for the file (tables are slow to make): each test checks only what it wrote.
let h: Harness;
beforeAll(async () => {
  h = await harness(orgPolicy());
});

describe('a request naming several accounts (DynamoDB Local)', () => {
  it('stores one decision per account, each approved and revoked on its own under its account rules', async () => {
    // Arrange / Act
    const [prod, dev, loose] = await h.gov.submitForAccounts({
      request: { ...grant, accounts: [PROD_A, DEV, LOOSE] },
      requester: ALICE,
      source: 'api',
    });
    // Assert: three pending decisions, one per account
    expect([prod?.accountId, dev?.accountId, loose?.accountId]).toEqual([PROD_A, DEV, LOOSE]);
    expect(new Set([prod?.id, dev?.id, loose?.id]).size).toBe(3);
    // In an organization every decision key begins with its account (members read only their own).
    expect(prod?.id.startsWith(`${PROD_A}-`)).toBe(true);
    expect(dev?.id.startsWith(`${DEV}-`)).toBe(true);
    // The prod approver approves in prod only; the security approver everywhere else.
    await expect(h.gov.approve({ id: dev?.id as string, actor: PAT })).rejects.toThrow(PolicyDeniedError);
    await expect(h.gov.approve({ id: prod?.id as string, actor: BOB })).rejects.toThrow(PolicyDeniedError);
    const approvedProd = await h.gov.approve({ id: prod?.id as string, actor: PAT });
    const approvedDev = await h.gov.approve({ id: dev?.id as string, actor: BOB });
    expect(approvedProd.approvals[0]?.basis).toBe(
      'tier low (scope prod): arn:aws:iam::*:role/prod-approver*',
    );
    expect(approvedDev.status).toBe('approved');
    // Revoking one account's grant leaves the others as they are.
    const revoked = await h.gov.revoke({ id: prod?.id as string, actor: PAT });
    expect(revoked.status).toBe('revoked');
    expect((await h.gov.get(dev?.id as string))?.status).toBe('approved');
    expect((await h.gov.get(loose?.id as string))?.status).toBe('pending');
  });

  it('writes nothing when the list holds a bad, repeated or no account', async () => {
    const before = await snapshot(h.tables);
    for (const accounts of [
      [PROD_A, '22222222222'],
      [PROD_A, `0${DEV}`],
      [PROD_A, 42],
      [PROD_A, DEV, PROD_A],
      [],
    ])
      await expect(
        h.gov.submitForAccounts({ request: { ...grant, accounts }, requester: ALICE, source: 'api' }),
      ).rejects.toThrow(ValidationError);
    expect(await snapshot(h.tables)).toEqual(before);
  });

  it('stores no decision when the policy refuses the request in one account, only the denied attempt', async () => {
    // Arrange: AdministratorAccess is allowed outside prod, not in it
    const before = await snapshot(h.tables);
    const admin = {
      ...grant,
      entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      accounts: [DEV, LOOSE, PROD_B],
    };
    // Act
    await expect(
      h.gov.submitForAccounts({ request: admin, requester: ALICE, source: 'api' }),
    ).rejects.toThrow(/does not allow granting arn:aws:iam::aws:policy\/AdministratorAccess/);
    // Assert
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added.map((i) => String(i.sk).split('#')[0])).toEqual(['ATTEMPT']);
  });

  it('refuses a request without an account when the policy scopes its rules, writing nothing', async () => {
    const before = await snapshot(h.tables);
    await expect(h.gov.submit({ request: grant, requester: ALICE, source: 'api' })).rejects.toThrow(
      /"account" is required/,
    );
    expect(await snapshot(h.tables)).toEqual(before);
  });

  it('returns the same decisions when submitted again with the same idempotency key', async () => {
    const input = {
      request: { ...grant, accounts: [DEV, PROD_A] },
      requester: ALICE,
      source: 'api' as const,
      idempotencyKey: 'ticket-4711',
    };
    const first = await h.gov.submitForAccounts(input);
    const before = await snapshot(h.tables);
    const again = await h.gov.submitForAccounts(input);
    expect(again.map((d) => d.id)).toEqual(first.map((d) => d.id));
    expect(await snapshot(h.tables)).toEqual(before);
  });

  it('never lets an approver scoped to a unit approve in an account outside it', async () => {
    const arbAccount = fc.oneof(fc.constantFrom(PROD_A, PROD_B, DEV, LOOSE), fc.stringMatching(/^\d{12}$/));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(arbAccount, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(PAT, BOB, 'arn:aws:sts::111122223333:assumed-role/PROD-APPROVER-pat/s1'),
        async (accounts, approver) => {
          const decisions = await h.gov.submitForAccounts({
            request: { ...grant, accounts },
            requester: ALICE,
            source: 'api',
          });
          for (const d of decisions) {
            const scopedApprover = approver !== BOB;
            const outcome = await h.gov.approve({ id: d.id, actor: approver }).then(
              (x) => x.status,
              (e: Error) => e.name,
            );
            const inProd = PROD.has(d.accountId as string);
            expect(outcome).toBe(inProd === scopedApprover ? 'approved' : 'PolicyDeniedError');
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('one role name in two accounts is two identities (DynamoDB Local, #15)', () => {
  it('never lets a revoke filed for account A end the grant of the same role in account B', async () => {
    // Arrange: role/shared-name granted in DEV and in LOOSE (different accounts, different rules).
    const role = { type: 'role', name: `shared-${Date.now()}` };
    const [dev, loose] = await h.gov.submitForAccounts({
      request: { ...grant, identity: role, accounts: [DEV, LOOSE] },
      requester: ALICE,
      source: 'api',
    });
    await h.gov.approve({ id: dev?.id as string, actor: BOB });
    const looseGrant = await h.gov.approve({ id: loose?.id as string, actor: BOB });
    // Act: a revoke in DEV that names no grant (the suite finds the one it ends).
    const revoke = await h.gov.submit({
      request: {
        ...grant,
        kind: 'revoke',
        identity: role,
        account: DEV,
        justification: 'job retired in dev',
      },
      requester: ALICE,
      source: 'api',
    });
    // Assert: it ends DEV's grant only; LOOSE's grant and its version are untouched.
    expect(revoke.accountId).toBe(DEV);
    expect(revoke.revokes).toBe(dev?.id);
    expect(await h.gov.get(loose?.id as string)).toMatchObject({
      status: 'approved',
      version: looseGrant.version,
    });
    expect((await h.decisions.listByIdentity(`role/${role.name}`, LOOSE)).map((d) => d.id)).toEqual([
      loose?.id,
    ]);
  });

  it('never lets a revoke filed for an account without the grant reach the grant of another account', async () => {
    // Arrange: role/only-loose is granted in LOOSE only.
    const role = { type: 'role', name: `only-loose-${Date.now()}` };
    const [loose] = await h.gov.submitForAccounts({
      request: { ...grant, identity: role, accounts: [LOOSE] },
      requester: ALICE,
      source: 'api',
    });
    const looseGrant = await h.gov.approve({ id: loose?.id as string, actor: BOB });
    // Act: the requester of that grant files a revoke of the same role in DEV.
    const revoke = await h.gov.submit({
      request: {
        ...grant,
        kind: 'revoke',
        identity: role,
        account: DEV,
        justification: 'job retired in dev',
      },
      requester: ALICE,
      source: 'api',
    });
    // Assert: no grant backs it in DEV; LOOSE's grant is not named, not ended.
    expect(revoke.revokes).toBeUndefined();
    expect(await h.gov.get(loose?.id as string)).toMatchObject({
      status: 'approved',
      version: looseGrant.version,
    });
  });
});
