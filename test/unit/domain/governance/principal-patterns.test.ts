import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../../lib/config/policy-file.js';
import {
  approverBasis,
  entitlementTier,
  isApproverAnywhere,
  isOperator,
} from '../../../../lib/domain/governance/policy-evaluation.js';
import { principalMatches } from '../../../../lib/domain/governance/principals.js';
import { matchesGlob, matchesPrincipalPattern } from '../../../../lib/domain/patterns.js';
import type { Policy } from '../../../../lib/domain/policy/schema.js';

const policy = loadPolicyFile();
const MALLORY = 'arn:aws:iam::111122223333:user/x:role/security-approver/mallory';

describe('principal patterns (segment-safe)', () => {
  it('never lets * or ? cross ":" or "/"', () => {
    expect(matchesPrincipalPattern('arn:aws:iam::*:role/security-approver*', MALLORY)).toBe(false);
    expect(principalMatches(['arn:aws:iam::*:role/security-approver*'], MALLORY)).toBe(false);
    expect(matchesPrincipalPattern('arn:aws:iam::*:role/a?c', 'arn:aws:iam::111122223333:role/a/c')).toBe(
      false,
    );
    expect(matchesPrincipalPattern('arn:aws:iam::*:role/a?c', 'arn:aws:iam::111122223333:role/abc')).toBe(
      true,
    );
    // The generic glob (entitlement patterns) does span them: that is what made the attack work.
    expect(matchesGlob('arn:aws:iam::*:role/security-approver*', MALLORY)).toBe(true);
  });

  it('gives a user whose path spells an approver role no approver, break-glass or operator standing', () => {
    expect(approverBasis(policy, 'high', MALLORY)).toBeUndefined();
    expect(approverBasis(policy, 'low', MALLORY)).toBeUndefined();
    expect(isApproverAnywhere(policy, MALLORY)).toBe(false);
    expect(
      principalMatches(
        policy.document.breakGlass.requesters,
        'arn:aws:iam::111122223333:user/a:role/oncall-x/u',
      ),
    ).toBe(false);
  });

  it('still matches what the default policy means: sessions, pathed roles, canonical forms', () => {
    const bg = policy.document.breakGlass.requesters;
    expect(principalMatches(bg, 'arn:aws:sts::111122223333:assumed-role/oncall-primary/s1')).toBe(true);
    expect(principalMatches(bg, 'arn:aws:iam::111122223333:role/oncall-primary')).toBe(true);
    expect(principalMatches(bg, 'arn:aws:iam::111122223333:role/teams/oncall-primary')).toBe(true);
    const bobSession = 'arn:aws:sts::111122223333:assumed-role/security-approver-bob/laptop';
    expect(principalMatches(['arn:aws:sts::*:assumed-role/security-approver*/*'], bobSession)).toBe(true);
    expect(approverBasis(policy, 'high', bobSession)).toMatch(/^tier high: /);
    expect(approverBasis(policy, 'low', 'arn:aws:iam::111122223333:role/teams/team-lead-alice')).toBe(
      'tier low: arn:aws:iam::*:role/team-lead*',
    );
    expect(isOperator(policy, 'arn:aws:sts::111122223333:assumed-role/nhi-gov-provision/fn')).toBe(true);
    expect(
      isOperator(policy, 'arn:aws:sts::111122223333:assumed-role/platform-operator-eve/eve@example.com'),
    ).toBe(true);
  });

  it('keeps the generic glob for entitlement (policy ARN) patterns, whose paths * may span', () => {
    expect(
      entitlementTier(policy, {
        type: 'managed-policy',
        policyArn: 'arn:aws:iam::111122223333:policy/nhi/team/reader',
      }),
    ).toBe('low');
    expect(
      entitlementTier(policy, {
        type: 'managed-policy',
        policyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      }),
    ).toBeUndefined();
  });

  it('matches operators (a deny list) broadly, so a session pattern without a trailing /* still disarms', () => {
    const custom: Policy = {
      ...policy,
      document: { ...policy.document, operators: ['arn:aws:sts::*:assumed-role/deployer*'] },
    };
    expect(isOperator(custom, 'arn:aws:sts::111122223333:assumed-role/deployer-ci/run-42')).toBe(true);
    expect(isOperator(custom, 'arn:aws:sts::111122223333:assumed-role/security-approver-bob/laptop')).toBe(
      false,
    );
  });
});
