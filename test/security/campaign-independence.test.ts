import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { SeparationOfDutiesError } from '../../lib/domain/errors.js';
import { diff, type Harness, harness, snapshot } from '../integration/governance/harness.js';
import { ALICE, BOB, CAROL } from '../support/builders.js';
import { arbRoleSpelling } from './principal-arbitraries.js';

const ACCOUNT = '111122223333';
const ERIN = `arn:aws:iam::${ACCOUNT}:role/team-lead-erin`;
const FRANK = `arn:aws:iam::${ACCOUNT}:role/security-approver-frank`;
const request = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

/** Two approved grants of one entitlement on one identity: A by ALICE (approved by BOB), B by ERIN (approved by CAROL). */
async function mergedItem() {
  const a = await h.gov.approve({
    id: (await h.gov.submit({ request, requester: ALICE, source: 'api' })).id,
    actor: BOB,
  });
  const b = await h.gov.approve({
    id: (await h.gov.submit({ request, requester: ERIN, source: 'api' })).id,
    actor: CAROL,
  });
  const { campaign, items } = await h.gov.startCampaign({ body: { name: 'Q1' }, createdBy: FRANK });
  expect(items).toHaveLength(1);
  const item = items[0] as (typeof items)[number];
  return { a, b, campaign, item };
}

describe('certification reviewers are independent of every decision a merged item covers (issue #10 class 3)', () => {
  it('records every grant a merged item covers', async () => {
    const { a, b, item } = await mergedItem();
    expect(item.coveredDecisionIds?.sort()).toEqual([a.id, b.id].sort());
  });

  it('refuses the requester or the approver of ANY covered grant, in any spelling, writing only the denied attempt', async () => {
    const { campaign, item } = await mergedItem();
    const before = await snapshot(h.tables);
    let tries = 0;
    // ERIN requested B, CAROL approved B, BOB approved A: none may certify the merged item
    const arbInvolved = fc
      .constantFrom('team-lead-erin', 'security-approver-carol', 'security-approver-bob', 'team-lead-alice')
      .chain((name) => arbRoleSpelling(ACCOUNT, name));
    await fc.assert(
      fc.asyncProperty(arbInvolved, fc.constantFrom('keep', 'revoke'), async (reviewer, outcome) => {
        tries += 1;
        await expect(
          h.gov.reviewCampaignItem({
            campaignId: campaign.id,
            itemId: item.itemId,
            reviewer,
            body: { outcome },
          }),
        ).rejects.toBeInstanceOf(SeparationOfDutiesError);
      }),
      { numRuns: 60 },
    );
    const { added, removedOrChanged } = diff(before, await snapshot(h.tables));
    expect(removedOrChanged).toEqual([]);
    expect(added).toHaveLength(tries);
    expect(added.every((i) => i.entity === 'denied-attempt' && i.action === 'certify')).toBe(true);
  });

  it('also covers a grant approved after the campaign started (checked at review time)', async () => {
    const a = await h.gov.approve({
      id: (await h.gov.submit({ request, requester: ALICE, source: 'api' })).id,
      actor: BOB,
    });
    const { campaign, items } = await h.gov.startCampaign({ body: { name: 'Q1' }, createdBy: FRANK });
    await h.gov.approve({
      id: (await h.gov.submit({ request, requester: ERIN, source: 'api' })).id,
      actor: CAROL,
    });
    const item = items.find((i) => i.grantDecisionId === a.id);
    await expect(
      h.gov.reviewCampaignItem({
        campaignId: campaign.id,
        itemId: item?.itemId as string,
        reviewer: ERIN,
        body: { outcome: 'keep' },
      }),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
  });

  it('a revoke of a merged item ends every grant it covers, so no other grant keeps the access', async () => {
    const { a, b, campaign, item } = await mergedItem();
    const result = await h.gov.reviewCampaignItem({
      campaignId: campaign.id,
      itemId: item.itemId,
      reviewer: FRANK,
      body: { outcome: 'revoke' },
    });
    expect(result.revokeDecisions?.map((d) => d.revokes).sort()).toEqual([a.id, b.id].sort());
    expect(result.item.revokeDecisionIds).toHaveLength(2);
    for (const id of [a.id, b.id])
      expect((await h.decisions.get(id, { consistent: true }))?.status).toBe('revoked');
  });

  it('lets an independent approver certify the merged item', async () => {
    const { campaign, item } = await mergedItem();
    const result = await h.gov.reviewCampaignItem({
      campaignId: campaign.id,
      itemId: item.itemId,
      reviewer: FRANK,
      body: { outcome: 'keep' },
    });
    expect(result.item).toMatchObject({ outcome: 'keep', reviewer: FRANK });
  });
});
