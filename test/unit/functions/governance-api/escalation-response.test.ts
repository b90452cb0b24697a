import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SnapshotPolicyDocuments } from '../../../../lib/adapters/snapshot/snapshot-documents.js';
import { createGovernance } from '../../../../lib/domain/governance/index.js';
import { type Harness, harness } from '../../../integration/governance/harness.js';
import { ALICE } from '../../../support/builders.js';
import { ACCOUNT, aRole } from '../../../support/fakes/iam-read.js';
import { defaultPolicyJsonFile } from '../../../support/policy.js';

vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.POWERTOOLS_DEV = 'true';
});
// Deployed functions read the policy as JSON, written from the YAML file at synth time.
process.env.POLICY_FILE = defaultPolicyJsonFile();
const { buildHandler } = await import('../../../../functions/governance-api/handler.js');

const POLICY = `arn:aws:iam::${ACCOUNT}:policy/nhi/app-deploy`;

function post(body: unknown) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/requests',
    rawQueryString: '',
    headers: {},
    requestContext: {
      http: {
        method: 'POST',
        path: '/requests',
        protocol: 'HTTP/1.1',
        sourceIp: '10.0.0.1',
        userAgent: 'test',
      },
      authorizer: { iam: { userArn: ALICE, accountId: ACCOUNT } },
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('governance-api: approvers see why a grant is high', () => {
  it('returns the tier rule, the completed path with its statements, and the pin in the HTTP response', async () => {
    // Arrange
    const documents = new SnapshotPolicyDocuments({
      source: 'snapshot',
      collectedAt: '2026-03-01T00:00:00.000Z',
      roles: [aRole('deployer')],
      users: [],
      managedPolicies: [
        {
          arn: POLICY,
          name: 'app-deploy',
          defaultVersionId: 'v3',
          document: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
              { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
            ],
          },
        },
      ],
      origin: ['test'],
    });
    const handle = buildHandler({ governance: createGovernance({ ...h.deps, documents }) });

    // Act
    const res = await handle(
      post({
        kind: 'grant',
        identity: { type: 'role', name: 'deployer' },
        entitlement: { type: 'managed-policy', policyArn: POLICY },
        justification: 'deploys the app functions from CI',
        owner: 'team-payments',
      }),
    );

    // Assert
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body ?? 'null');
    expect(body).toMatchObject({
      tier: 'high',
      requiredApprovals: 2,
      tierRule: 'escalation.completesPath (passrole-lambda-create-invoke)',
      escalation: {
        analysed: true,
        completes: [{ id: 'passrole-lambda-create-invoke', certainty: 'definite' }],
      },
      pinned: { policyVersionId: 'v3' },
    });
    expect(body.escalation.completes[0].because[0]).toBe(
      `iam:PassRole on any iam role by managed-policy:${POLICY}#0`,
    );
  });
});
