import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { DynamoExecutionTrail } from '../../../lib/adapters/dynamodb/execution-trail.js';
import { DynamoFindingStore } from '../../../lib/adapters/dynamodb/finding-store.js';
import { DynamoScanLog } from '../../../lib/adapters/dynamodb/scan-log.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { documentHash } from '../../../lib/domain/escalation/record.js';
import { findingId } from '../../../lib/domain/finding.js';
import type { IamInventory, ManagedPolicy } from '../../../lib/domain/inventory.js';
import { runScan, type ScanDeps } from '../../../lib/domain/scanning/run-scan.js';
import { aDecision, BOB } from '../../support/builders.js';
import { createTestTables } from '../../support/dynamo.js';
import { ACCOUNT, AS_OF, aRole, daysAgo } from '../../support/fakes/iam-read.js';

const policy = loadPolicyFile();
/** The wall clock: a day after every as-of these scans use. */
const NOW = new Date(AS_OF.getTime() + 86_400_000);
const APP_DEPLOY = `arn:aws:iam::${ACCOUNT}:policy/nhi/app-deploy`;
const V1 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
};
const V2 = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'PassAnyRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
    {
      Sid: 'Functions',
      Effect: 'Allow',
      Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'],
      Resource: '*',
    },
  ],
};
const INLINE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};

let deps: ScanDeps;
let decisions: DynamoDecisionStore;

beforeEach(async () => {
  const tables = await createTestTables();
  decisions = new DynamoDecisionStore(tables.doc, tables.names.decisions);
  const findings = new DynamoFindingStore(tables.doc, tables.names.findings);
  deps = {
    decisions,
    findings,
    metrics: findings,
    executions: new DynamoExecutionTrail(tables.doc, tables.names.executions),
    revokes: { requestRevoke: async () => undefined },
    scans: new DynamoScanLog(tables.doc, tables.names.findings),
  };
});

function approvedGrant(
  entitlement: Extract<Decision['request'], { kind: 'grant' }>['entitlement'],
  pinned: Decision['pinned'],
): Decision {
  const at = daysAgo(30);
  return aDecision({
    status: 'approved',
    version: 2,
    kind: 'grant',
    request: {
      kind: 'grant',
      identity: { type: 'role', name: 'deployer' },
      entitlement,
      justification: 'deploys the app functions from CI',
      owner: 'team-payments',
    },
    identityKey: 'role/deployer',
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    approvals: [{ approver: BOB, at, basis: 'tier low' }],
    ...(pinned ? { pinned } : {}),
  });
}

function inventory(
  defaultVersion: { id: string; document: unknown },
  inline: unknown = INLINE,
): IamInventory {
  const managed: ManagedPolicy = {
    arn: APP_DEPLOY,
    name: 'app-deploy',
    defaultVersionId: defaultVersion.id,
    document: defaultVersion.document,
  };
  return {
    source: 'snapshot',
    collectedAt: AS_OF.toISOString(),
    accountId: ACCOUNT,
    roles: [
      aRole('deployer', {
        attachedManagedPolicies: [{ arn: APP_DEPLOY, name: 'app-deploy' }],
        inlinePolicies: [{ name: 'reader', document: inline }],
      }),
    ],
    users: [],
    managedPolicies: [managed],
    groups: [],
    origin: ['test'],
  };
}

describe('document-level scanner rules (DynamoDB Local)', () => {
  it('flags a customer-managed policy whose default version changed after approval, and the escalation it now opens', async () => {
    // Arrange: approved (and pinned) at v1; the account now shows v2 as the default.
    const grant = approvedGrant(
      { type: 'managed-policy', policyArn: APP_DEPLOY },
      { contentHash: documentHash(V1), policyVersionId: 'v1' },
    );
    await decisions.create(grant);
    const before = await runScan(deps, {
      inventory: inventory({ id: 'v1', document: V1 }),
      policy,
      now: NOW,
      asOf: AS_OF,
    });

    // Act
    const after = await runScan(deps, {
      inventory: inventory({ id: 'v2', document: V2 }),
      policy,
      now: NOW,
      asOf: new Date(AS_OF.getTime() + 1000),
    });

    // Assert
    const types = (r: typeof before) => r.findings.map((f) => f.type);
    expect(types(before)).not.toContain('policy-changed-since-approval');
    expect(types(before)).not.toContain('privilege-escalation');
    const changed = after.findings.find((f) => f.type === 'policy-changed-since-approval');
    expect(changed).toMatchObject({
      id: findingId(
        'policy-changed-since-approval',
        'role/deployer',
        `managed-policy:${APP_DEPLOY}`,
        ACCOUNT,
      ),
      severity: 'high',
      evidence: {
        decisionId: grant.id,
        approvedVersionId: 'v1',
        currentVersionId: 'v2',
        currentHash: documentHash(V2),
      },
      frameworks: { owaspNhi: ['NHI5:2025 Overprivileged NHI'], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
    });
    const escalation = after.findings.find((f) => f.type === 'privilege-escalation');
    expect(escalation).toMatchObject({
      identityKey: 'role/deployer',
      frameworks: { owaspNhi: ['NHI5:2025 Overprivileged NHI'], nistCsf: ['PR.AA-05'] },
      evidence: {
        pathId: 'passrole-lambda-create-invoke',
        certainty: 'definite',
        statements: [
          `managed-policy:${APP_DEPLOY}#0 (PassAnyRole)`,
          `managed-policy:${APP_DEPLOY}#1 (Functions)`,
        ],
      },
    });
  });

  it('compares inline documents too, ignoring key order and whitespace but not a changed value', async () => {
    // Arrange
    const grant = approvedGrant(
      { type: 'inline-policy', policyName: 'reader', document: INLINE as never },
      { contentHash: documentHash(INLINE) },
    );
    await decisions.create(grant);
    const reordered = {
      Statement: [{ Resource: '*', Action: 's3:GetObject', Effect: 'Allow' }],
      Version: '2012-10-17',
    };
    const widened = { ...INLINE, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

    // Act
    const same = await runScan(deps, {
      inventory: inventory({ id: 'v1', document: V1 }, reordered),
      policy,
      now: NOW,
      asOf: AS_OF,
    });
    const changed = await runScan(deps, {
      inventory: inventory({ id: 'v1', document: V1 }, widened),
      policy,
      now: NOW,
      asOf: new Date(AS_OF.getTime() + 1000),
    });

    // Assert
    expect(same.findings.filter((f) => f.type === 'policy-changed-since-approval')).toEqual([]);
    expect(
      changed.findings
        .filter((f) => f.type === 'policy-changed-since-approval')
        .map((f) => f.evidence.entitlement),
    ).toEqual(['inline-policy:reader']);
  });

  it('resolves the escalation finding once the path is closed, but not from an export without policy documents', async () => {
    // Arrange
    await runScan(deps, {
      inventory: inventory({ id: 'v2', document: V2 }),
      policy,
      now: NOW,
      asOf: AS_OF,
    });
    const withoutPolicies = { ...inventory({ id: 'v2', document: V2 }) };
    delete withoutPolicies.managedPolicies;

    // Act
    const blind = await runScan(deps, {
      inventory: withoutPolicies,
      policy,
      now: NOW,
      asOf: new Date(AS_OF.getTime() + 1000),
    });
    const closed = await runScan(deps, {
      inventory: inventory({ id: 'v1', document: V1 }),
      policy,
      now: NOW,
      asOf: new Date(AS_OF.getTime() + 2000),
    });

    // Assert
    expect(blind.resolved.filter((f) => f.type === 'privilege-escalation')).toEqual([]);
    expect(closed.resolved.map((f) => f.type)).toContain('privilege-escalation');
  });
});
