import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IamPolicyDocuments } from '../../../../lib/adapters/iam/policy-documents.js';

const iam = mockClient(IAMClient);
const client = new IAMClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 't', secretAccessKey: 't' },
});
const ARN = 'arn:aws:iam::111122223333:policy/nhi/app';
const DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};
const encoded = (d: unknown) => encodeURIComponent(JSON.stringify(d));
const missing = () => new NoSuchEntityException({ message: 'not found', $metadata: {} });

beforeEach(() => iam.reset());
afterEach(() => iam.reset());

describe('IamPolicyDocuments (read-only IAM)', () => {
  it("reads a managed policy's default version and decodes its URL-encoded document", async () => {
    // Arrange
    iam.on(GetPolicyCommand).resolves({ Policy: { Arn: ARN, DefaultVersionId: 'v7' } });
    iam.on(GetPolicyVersionCommand, { PolicyArn: ARN, VersionId: 'v7' }).resolves({
      PolicyVersion: { VersionId: 'v7', Document: encoded(DOC) },
    });

    // Act
    const p = await new IamPolicyDocuments(client).managedPolicy(ARN);

    // Assert
    expect(p).toEqual({ arn: ARN, versionId: 'v7', document: DOC });
  });

  it('returns undefined for a policy or identity that does not exist', async () => {
    iam.on(GetPolicyCommand).rejects(missing());
    iam.on(GetUserCommand).rejects(missing());
    const reader = new IamPolicyDocuments(client);
    expect(await reader.managedPolicy(ARN)).toBeUndefined();
    expect(await reader.identityPermissions({ type: 'user', name: 'gone' })).toBeUndefined();
  });

  it("collects a user's attached, inline and group policies and its boundary, naming each source", async () => {
    // Arrange
    iam.on(GetUserCommand).resolves({
      User: {
        UserName: 'ci-bot',
        UserId: 'AIDA',
        Arn: 'arn:aws:iam::111122223333:user/nhi/ci-bot',
        Path: '/nhi/',
        CreateDate: new Date(),
        PermissionsBoundary: {
          PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundary',
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        },
      },
    });
    iam
      .on(ListAttachedUserPoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyArn: ARN, PolicyName: 'app' }] });
    iam.on(GetPolicyCommand).resolves({ Policy: { Arn: ARN, DefaultVersionId: 'v1' } });
    iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { VersionId: 'v1', Document: encoded(DOC) } });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['own'] });
    iam
      .on(GetUserPolicyCommand)
      .resolves({ UserName: 'ci-bot', PolicyName: 'own', PolicyDocument: encoded(DOC) });
    iam.on(ListGroupsForUserCommand).resolves({
      Groups: [
        {
          GroupName: 'builders',
          GroupId: 'G',
          Arn: 'arn:aws:iam::111122223333:group/builders',
          Path: '/',
          CreateDate: new Date(),
        },
      ],
    });
    iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [] });
    iam.on(ListGroupPoliciesCommand).resolves({ PolicyNames: ['build'] });
    iam
      .on(GetGroupPolicyCommand)
      .resolves({ GroupName: 'builders', PolicyName: 'build', PolicyDocument: encoded(DOC) });

    // Act
    const held = await new IamPolicyDocuments(client).identityPermissions({ type: 'user', name: 'ci-bot' });

    // Assert
    expect(held?.arn).toBe('arn:aws:iam::111122223333:user/nhi/ci-bot');
    expect(held?.boundaryArn).toBe('arn:aws:iam::111122223333:policy/boundary');
    expect(held?.policies.map((p) => p.source)).toEqual([
      `managed-policy:${ARN}`,
      'inline-policy:own',
      'group:builders/inline-policy:build',
    ]);
    // Only reads: no command that changes IAM was sent.
    expect(
      iam
        .calls()
        .map((c) => c.args[0].constructor.name)
        .filter((n) => !/^(Get|List)/.test(n)),
    ).toEqual([]);
  });
});
