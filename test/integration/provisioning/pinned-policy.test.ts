import { IAMClient } from '@aws-sdk/client-iam';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IamPolicyDocuments } from '../../../lib/adapters/iam/policy-documents.js';
import { documentHash } from '../../../lib/domain/escalation/record.js';
import { findingId } from '../../../lib/domain/finding.js';
import { ProvisioningFailedError } from '../../../lib/domain/provisioning/errors.js';
import { approved, approvedEvent, BOUNDARY, type Harness, harness } from './harness.js';

const APP_DEPLOY = 'arn:aws:iam::111122223333:policy/nhi/app-deploy';
const V1 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
};
const V2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:*'], Resource: '*' }],
};

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.restore());

function grantOfAppDeploy() {
  const d = approved();
  return approved({
    request: {
      kind: 'grant',
      identity: { type: 'role', name: 'payments-batch' },
      entitlement: { type: 'managed-policy', policyArn: APP_DEPLOY },
      justification: 'deploys the payments functions',
      owner: 'team-payments',
    },
    pinned: { contentHash: documentHash(V1), policyVersionId: 'v1' },
    id: d.id,
  });
}

const provision = () =>
  h.provision({
    policies: new IamPolicyDocuments(
      new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
    ),
  });

describe('provision: what is attached is what was approved', () => {
  it('attaches a managed policy whose default version is still the approved one', async () => {
    // Arrange
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    h.iam.managedPolicies.set(APP_DEPLOY, { defaultVersionId: 'v1', versions: { v1: V1 } });
    const decision = grantOfAppDeploy();
    await h.decisions.create(decision);

    // Act
    const outcome = await provision().handle(approvedEvent(decision));

    // Assert
    expect(outcome.status).toBe('succeeded');
    expect(h.iam.roles.get('payments-batch')?.attached).toEqual([APP_DEPLOY]);
  });

  it('refuses a pending attach after the default version changed, files a finding and attaches nothing', async () => {
    // Arrange: approved at v1; someone then made a wider v2 the default.
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    h.iam.managedPolicies.set(APP_DEPLOY, { defaultVersionId: 'v2', versions: { v1: V1, v2: V2 } });
    const decision = grantOfAppDeploy();
    await h.decisions.create(decision);

    // Act
    const attempt = provision().handle(approvedEvent(decision));

    // Assert
    await expect(attempt).rejects.toThrow(ProvisioningFailedError);
    await expect(attempt).rejects.toThrow(/changed since approval \(approved version v1, now v2\)/);
    expect(h.iam.applied).toEqual([]);
    expect(h.iam.roles.get('payments-batch')?.attached).toEqual([]);
    const finding = await h.findings.get(
      findingId(
        'policy-changed-since-approval',
        decision.identityKey,
        `attach:${decision.id}:${decision.version}`,
      ),
    );
    expect(finding).toMatchObject({
      type: 'policy-changed-since-approval',
      status: 'open',
      source: 'provisioning',
      evidence: { approvedVersionId: 'v1', currentVersionId: 'v2', policyArn: APP_DEPLOY, actedOn: false },
      frameworks: { owaspNhi: ['NHI5:2025 Overprivileged NHI'] },
    });
    const trail = await h.trail.listForDecision(decision.id);
    expect(trail.map((r) => r.status)).toEqual(['refused', 'failed']);
  });

  it('refuses whatever the change: another version, the same version id with other content, or a deleted policy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('version' as const), id: fc.stringMatching(/^v([2-9]|[1-9]\d)$/) }),
          fc.record({ kind: fc.constant('content' as const), action: fc.constantFrom('iam:*', 's3:*', '*') }),
          fc.record({ kind: fc.constant('deleted' as const) }),
        ),
        async (change) => {
          // Arrange
          h.iam.roles.clear();
          h.iam.applied.length = 0;
          h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
          if (change.kind === 'version')
            h.iam.managedPolicies.set(APP_DEPLOY, {
              defaultVersionId: change.id,
              versions: { v1: V1, [change.id]: V2 },
            });
          else if (change.kind === 'content')
            h.iam.managedPolicies.set(APP_DEPLOY, {
              defaultVersionId: 'v1',
              versions: {
                v1: { ...V1, Statement: [{ Effect: 'Allow', Action: change.action, Resource: '*' }] },
              },
            });
          else h.iam.managedPolicies.delete(APP_DEPLOY);
          const d = approved();
          const decision = { ...grantOfAppDeploy(), id: d.id };
          await h.decisions.create(decision);

          // Act
          const attempt = provision().handle(approvedEvent(decision));

          // Assert
          await expect(attempt).rejects.toThrow(ProvisioningFailedError);
          expect(h.iam.applied).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  });
});
