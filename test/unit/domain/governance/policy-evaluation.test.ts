import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../../lib/config/policy-file.js';
import {
  approverBasis,
  isOperator,
  PolicyDeniedError,
  planSubmission,
} from '../../../../lib/domain/governance/policy-evaluation.js';
import {
  canonicalPrincipal,
  SYSTEM_PRINCIPAL,
  samePrincipal,
} from '../../../../lib/domain/governance/principals.js';
import type { DecisionRequest } from '../../../../lib/domain/request.js';

const policy = loadPolicyFile();
const NOW = new Date('2026-03-02T09:00:00.000Z');
const ALICE = 'arn:aws:iam::111122223333:role/team-lead-alice';
const grant = (policyArn: string, durationHours?: number): DecisionRequest => ({
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn },
  justification: 'nightly reconciliation job',
  ...(durationHours ? { durationHours } : {}),
});

describe('principals', () => {
  it('reduces an assumed-role session and a pathed ARN to the role, so sessions of one role are one principal', () => {
    expect(canonicalPrincipal('arn:aws:sts::111122223333:assumed-role/team-lead-alice/laptop')).toBe(ALICE);
    expect(canonicalPrincipal('arn:aws:iam::111122223333:role/teams/payments/team-lead-alice')).toBe(ALICE);
    expect(samePrincipal('arn:aws:sts::111122223333:assumed-role/team-lead-alice/s1', ALICE)).toBe(true);
    expect(samePrincipal('arn:aws:sts::444455556666:assumed-role/team-lead-alice/s1', ALICE)).toBe(false);
  });

  it('treats policy operators and the system principal as operators, and approvers by tier', () => {
    expect(
      isOperator(
        policy,
        'arn:aws:sts::1:assumed-role/nhi-gov-provision/x'.replace('::1:', '::111122223333:'),
      ),
    ).toBe(true);
    expect(isOperator(policy, SYSTEM_PRINCIPAL)).toBe(true);
    expect(isOperator(policy, ALICE)).toBe(false);
    expect(approverBasis(policy, 'low', ALICE)).toBe('tier low: arn:aws:iam::*:role/team-lead*');
    expect(approverBasis(policy, 'high', ALICE)).toBeUndefined();
  });
});

describe('planSubmission', () => {
  it('takes the stricter of the kind tier and the entitlement tier', () => {
    expect(
      planSubmission(policy, grant('arn:aws:iam::aws:policy/ReadOnlyAccess'), ALICE, 'role/x', NOW),
    ).toEqual({
      tier: 'low',
      tierRule: 'kinds.grant',
      requiredApprovals: 1,
    });
    expect(
      planSubmission(policy, grant('arn:aws:iam::aws:policy/AdministratorAccess', 1), ALICE, 'role/x', NOW),
    ).toEqual({
      tier: 'high',
      tierRule: 'entitlements[0] arn:aws:iam::aws:policy/AdministratorAccess',
      requiredApprovals: 2,
    });
  });

  it('denies unlisted entitlements, over-long grants and standing grants when the policy forbids them', () => {
    expect(() =>
      planSubmission(policy, grant('arn:aws:iam::aws:policy/AmazonS3FullAccess'), ALICE, 'role/x', NOW),
    ).toThrow(PolicyDeniedError);
    expect(() =>
      planSubmission(policy, grant('arn:aws:iam::aws:policy/ReadOnlyAccess', 721), ALICE, 'role/x', NOW),
    ).toThrow(/maximum of 720 hours/);
    const noStanding = {
      ...policy,
      document: { ...policy.document, grants: { maxDurationHours: 8, allowStanding: false } },
    };
    expect(() =>
      planSubmission(noStanding, grant('arn:aws:iam::aws:policy/ReadOnlyAccess'), ALICE, 'role/x', NOW),
    ).toThrow(/only time-bound grants/);
  });

  it('auto-approves only what a rule or a zero-approval tier covers, honouring requester and identity filters', () => {
    const rotate: DecisionRequest = {
      kind: 'rotate',
      identity: { type: 'user', name: 'ci' },
      justification: 'routine rotation',
    };
    expect(planSubmission(policy, rotate, ALICE, 'user/ci', NOW).approvedBy?.basis).toBe(
      'auto-approve:routine-rotation',
    );
    const narrow = {
      ...policy,
      document: {
        ...policy.document,
        autoApprove: [{ name: 'ci-only', kinds: ['rotate' as const], identities: ['user/ci-*'] }],
        kinds: { ...policy.document.kinds, rotate: { tier: 'low' } },
      },
    };
    expect(planSubmission(narrow, rotate, ALICE, 'user/ci', NOW).approvedBy).toBeUndefined();
    expect(
      planSubmission(narrow, { ...rotate, identity: { type: 'user', name: 'ci-x' } }, ALICE, 'user/ci-x', NOW)
        .approvedBy?.basis,
    ).toBe('auto-approve:ci-only');
  });
});
