import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.js';
import { identityKey, parseIdentity } from '../../../lib/domain/identity.js';
import { DecisionRequest } from '../../../lib/domain/request.js';
import { parseOrThrow } from '../../../lib/domain/validation.js';

const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation reads the ledger',
};

describe('DecisionRequest', () => {
  it('accepts every request kind in its documented shape', () => {
    const requests = [
      grant,
      { ...grant, durationHours: 8 },
      { ...grant, kind: 'revoke' },
      {
        kind: 'create-identity',
        identity: { type: 'role', name: 'etl' },
        owner: 'team-data',
        justification: 'new pipeline for Q3',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
      {
        kind: 'create-identity',
        identity: { type: 'user', name: 'ci-deployer' },
        owner: 'team-ci',
        justification: 'legacy CI needs a key',
      },
      {
        kind: 'delete-identity',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'pipeline retired',
      },
      {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'quarterly rotation',
        secretId: 'nhi/ci-deployer',
      },
      {
        ...grant,
        kind: 'break-glass',
        durationMinutes: 60,
        justification: 'incident INC-42: ledger is corrupt, need read access now',
      },
      {
        kind: 'exception',
        identity: { type: 'user', name: 'legacy-ftp' },
        findingTypes: ['unrotated-access-key'],
        riskAcceptance: {
          owner: 'ciso@example.com',
          risk: 'vendor cannot rotate keys',
          compensatingControls: ['IP allow-list'],
          residualSeverity: 'medium',
        },
        expiresAt: '2026-06-30T00:00:00Z',
        justification: 'vendor migration planned for June',
      },
    ];
    for (const r of requests) expect(DecisionRequest.safeParse(r).error).toBeUndefined();
  });

  it('names every invalid field, not just the first', () => {
    const bad = {
      kind: 'grant',
      identity: { type: 'group', name: 'bad name!' },
      entitlement: { type: 'managed-policy', policyArn: 'ReadOnly' },
      justification: 'x',
    };
    try {
      parseOrThrow(DecisionRequest, bad, 'request');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).issues.map((i) => i.path).sort();
      expect(paths).toEqual(['entitlement.policyArn', 'identity.name', 'identity.type', 'justification']);
    }
  });

  it('refuses an exception without an expiry and a role without a trust policy', () => {
    expect(
      DecisionRequest.safeParse({
        kind: 'exception',
        identity: { type: 'user', name: 'x' },
        findingTypes: ['stale-role'],
        riskAcceptance: {
          owner: 'ciso',
          risk: 'some risk here',
          compensatingControls: ['mfa'],
          residualSeverity: 'low',
        },
        justification: 'because reasons',
      }).error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['expiresAt']);
    expect(
      DecisionRequest.safeParse({
        kind: 'create-identity',
        identity: { type: 'role', name: 'etl' },
        owner: 'team-data',
        justification: 'new pipeline for Q3',
      }).error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['trustPolicy']);
  });

  it('refuses unknown fields, so a typo cannot silently drop a constraint', () => {
    expect(DecisionRequest.safeParse({ ...grant, durationHour: 8 }).success).toBe(false);
  });
});

describe('parseIdentity', () => {
  it('reads keys, IAM ARNs with paths and assumed-role ARNs', () => {
    expect(identityKey(parseIdentity('role/etl'))).toBe('role/etl');
    expect(identityKey(parseIdentity('arn:aws:iam::111122223333:role/nhi/team/etl'))).toBe('role/etl');
    expect(identityKey(parseIdentity('arn:aws:iam::111122223333:user/ci'))).toBe('user/ci');
    expect(identityKey(parseIdentity('arn:aws:sts::111122223333:assumed-role/etl/session-1'))).toBe(
      'role/etl',
    );
  });

  it('refuses anything else with a ValidationError naming the text', () => {
    expect(() => parseIdentity('group/admins')).toThrow(/not an IAM role or user: "group\/admins"/);
  });
});
