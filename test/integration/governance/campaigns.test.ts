import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../../lib/adapters/dynamodb/campaign-store.js';
import type { Campaign, ReviewItem } from '../../../lib/domain/certification.js';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../../lib/domain/errors.js';
import type { IamInventory } from '../../../lib/domain/inventory.js';
import { ALICE, BOB, CAROL } from '../../support/builders.js';
import { type Harness, harness, snapshot } from './harness.js';

const grant = (name: string, policyArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess') => ({
  kind: 'grant',
  identity: { type: 'role', name },
  entitlement: { type: 'managed-policy', policyArn },
  justification: 'the batch job needs to read the ledger',
  owner: 'team-payments',
});

const inventory: IamInventory = {
  source: 'snapshot',
  collectedAt: '2026-03-01T00:00:00.000Z',
  roles: [
    {
      name: 'unmanaged-etl',
      arn: 'arn:aws:iam::111122223333:role/nhi/unmanaged-etl',
      path: '/nhi/',
      createdAt: '2025-01-01T00:00:00.000Z',
      tags: {},
      attachedManagedPolicies: [
        { arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess', name: 'AmazonS3FullAccess' },
      ],
      inlinePolicies: [],
      instanceProfiles: [],
    },
    {
      name: 'human-admin',
      arn: 'arn:aws:iam::111122223333:role/admins/human-admin',
      path: '/admins/',
      createdAt: '2025-01-01T00:00:00.000Z',
      tags: {},
      attachedManagedPolicies: [],
      inlinePolicies: [],
      instanceProfiles: [],
    },
  ],
  users: [],
  origin: ['test'],
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

async function approvedGrant(name: string) {
  const d = await h.gov.submit({ request: grant(name), requester: ALICE, source: 'api' });
  return h.gov.approve({ id: d.id, actor: BOB });
}

describe('certification campaigns (DynamoDB Local)', () => {
  it('starts a campaign over in-force grants and the managed-path identities of an inventory', async () => {
    const g = await approvedGrant('payments-batch');
    const { campaign, items } = await h.gov.startCampaign({
      body: { name: 'Q1 review' },
      createdBy: CAROL,
      inventory,
    });
    expect(campaign).toMatchObject({
      status: 'open',
      itemCount: 3,
      completedCount: 0,
      dueAt: '2026-03-16T09:00:00.000Z',
    });
    expect(items.map((i) => [i.identityKey, i.entitlementKey, i.grantDecisionId])).toEqual([
      ['role/payments-batch', 'managed-policy:arn:aws:iam::aws:policy/ReadOnlyAccess', g.id],
      ['role/unmanaged-etl', 'identity', undefined],
      ['role/unmanaged-etl', 'managed-policy:arn:aws:iam::aws:policy/AmazonS3FullAccess', undefined],
    ]);
    expect((await h.campaigns.listByStatus('open')).map((c) => c.id)).toEqual([campaign.id]);
    expect(await h.campaigns.listItems(campaign.id)).toEqual(
      [...items].sort((a, b) => a.itemId.localeCompare(b.itemId)),
    );
    // review items share the by-identity index with decisions; the decision listing still works
    expect((await h.decisions.listByIdentity('role/payments-batch')).map((d) => d.id)).toEqual([g.id]);
  });

  it('files a revoke request in the same transaction as a revoke review, and closes the campaign when done', async () => {
    const keep = await approvedGrant('payments-batch');
    const drop = await approvedGrant('old-report');
    const { campaign, items } = await h.gov.startCampaign({ body: { name: 'Q1 review' }, createdBy: CAROL });
    const itemOf = (id: string) => items.find((i) => i.grantDecisionId === id)?.itemId as string;

    const kept = await h.gov.reviewCampaignItem({
      campaignId: campaign.id,
      itemId: itemOf(keep.id),
      reviewer: CAROL,
      body: { outcome: 'keep' },
    });
    expect(kept.campaign).toMatchObject({ status: 'open', completedCount: 1 });
    expect(kept.revokeDecision).toBeUndefined();

    const revoked = await h.gov.reviewCampaignItem({
      campaignId: campaign.id,
      itemId: itemOf(drop.id),
      reviewer: CAROL,
      body: { outcome: 'revoke', note: 'report retired' },
    });
    expect(revoked.campaign).toMatchObject({ status: 'closed', completedCount: 2 });
    expect(revoked.item).toMatchObject({
      outcome: 'revoke',
      reviewer: CAROL,
      revokeDecisionId: revoked.revokeDecision?.id,
    });
    expect(revoked.revokeDecision).toMatchObject({
      kind: 'revoke',
      source: 'certification',
      requester: CAROL,
      revokes: drop.id,
      status: 'approved',
    });
    expect((await h.decisions.get(drop.id))?.status).toBe('revoked');
    expect((await h.decisions.get(keep.id))?.status).toBe('approved');
    expect(await h.campaigns.listByStatus('open')).toEqual([]);
    expect((await h.campaigns.listByStatus('closed')).map((c) => c.id)).toEqual([campaign.id]);
  });

  it('refuses a reviewer certifying access they requested, and a second review of an item', async () => {
    const g = await approvedGrant('payments-batch');
    const { campaign, items } = await h.gov.startCampaign({ body: { name: 'Q1' }, createdBy: CAROL });
    const itemId = items[0]?.itemId as string;
    // ALICE requested the grant; she is a (low-tier) approver but may not certify her own access
    const before = await snapshot(h.tables);
    await expect(
      h.gov.reviewCampaignItem({
        campaignId: campaign.id,
        itemId,
        reviewer: ALICE,
        body: { outcome: 'keep' },
      }),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
    const after = await snapshot(h.tables);
    expect(after.length).toBe(before.length + 1);
    expect(await h.deps.decisions.listDeniedAttempts(g.id)).toEqual([
      expect.objectContaining({ actor: ALICE, action: 'certify', code: 'SEPARATION_OF_DUTIES' }),
    ]);
    await h.gov.reviewCampaignItem({
      campaignId: campaign.id,
      itemId,
      // CAROL, not BOB: BOB approved the grant, so he is not independent of it (issue #10 class 3)
      reviewer: CAROL,
      body: { outcome: 'keep' },
    });
    await expect(
      h.gov.reviewCampaignItem({
        campaignId: campaign.id,
        itemId,
        reviewer: BOB,
        body: { outcome: 'revoke' },
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('stores a large campaign without BatchWriteItem and never overwrites the items of an existing one', async () => {
    // Arrange: a store whose client records every command it sends
    const sent: string[] = [];
    const recording = new Proxy(h.tables.doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: { constructor: { name: string } }) => {
              sent.push(command.constructor.name);
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    }) as DynamoDBDocumentClient;
    const store = new DynamoCampaignStore(recording, h.tables.names.decisions);
    const campaign: Campaign = {
      id: 'c-large-0001',
      name: 'everything',
      scope: {},
      createdBy: CAROL,
      createdAt: '2026-03-02T09:00:00.000Z',
      dueAt: '2026-03-16T09:00:00.000Z',
      status: 'open',
      policyVersion: h.policy.version,
      itemCount: 150,
      completedCount: 0,
      version: 1,
    };
    const items: ReviewItem[] = Array.from({ length: 150 }, (_, i) => ({
      campaignId: campaign.id,
      itemId: `item-${String(i).padStart(4, '0')}`,
      identityKey: `role/svc-${i}`,
      entitlementKey: 'identity',
      outcome: 'pending',
      version: 1,
    }));
    // Act
    await store.create(campaign, items);
    // Assert: two transactions (99 + 51 items, the second with the campaign), everything readable
    expect(sent).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    expect(await store.listItems(campaign.id)).toHaveLength(150);
    expect(await store.get(campaign.id, { consistent: true })).toEqual(campaign);

    // A reviewed item survives an attempt to create the campaign again
    const reviewed = { ...(items[0] as ReviewItem), outcome: 'keep' as const, reviewer: CAROL, version: 2 };
    await store.recordReview(reviewed, 1);
    const before = await snapshot(h.tables);
    await expect(store.create(campaign, items)).rejects.toThrow(/campaign c-large-0001 already exists/);
    expect(await snapshot(h.tables)).toEqual(before);
    expect(await store.getItem(campaign.id, 'item-0000', { consistent: true })).toMatchObject({
      outcome: 'keep',
      version: 2,
    });
    expect(sent).not.toContain('BatchWriteCommand');
  });

  it('refuses a campaign with nothing in scope and writes nothing', async () => {
    await approvedGrant('payments-batch');
    const before = await snapshot(h.tables);
    await expect(
      h.gov.startCampaign({
        body: { name: 'nobody', scope: { identities: ['role/nothing-*'] } },
        createdBy: CAROL,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await snapshot(h.tables)).toEqual(before);
  });
});
