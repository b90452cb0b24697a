import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../../lib/domain/decision.js';
import type { IamInventory } from '../../../../lib/domain/inventory.js';
import { describeChange } from '../../../../lib/domain/provisioning/changes.js';
import { TAG_DECISION_ID, TAG_OWNER } from '../../../../lib/domain/provisioning/guardrails.js';
import {
  type IdentityState,
  identityStateFromInventory,
} from '../../../../lib/domain/provisioning/identity-state.js';
import {
  applyToState,
  canonicalJson,
  intentOf,
  planChanges,
} from '../../../../lib/domain/provisioning/plan.js';
import { planDecisions } from '../../../../lib/domain/provisioning/plan-decisions.js';
import { aDecision } from '../../../support/builders.js';

const BOUNDARY = 'arn:aws:iam::111122223333:policy/nhi-gov-boundary';
const G = { managedPath: '/nhi/', permissionsBoundaryArn: BOUNDARY, secretPrefix: 'nhi-gov/' };
const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const DOC = {
  Version: '2012-10-17' as const,
  Statement: [{ Effect: 'Allow' as const, Action: 's3:GetObject', Resource: '*' }],
};

function role(overrides: Partial<IdentityState> = {}): IdentityState {
  return {
    type: 'role',
    name: 'payments-batch',
    path: '/nhi/',
    permissionsBoundaryArn: BOUNDARY,
    tags: {},
    attachedPolicyArns: [],
    inlinePolicies: [],
    accessKeys: [],
    groups: [],
    instanceProfiles: [],
    ...overrides,
  };
}

const approvedGrant = (overrides: Partial<Decision> = {}) =>
  aDecision({ status: 'approved', version: 2, ...overrides });

describe('intentOf', () => {
  it('applies approved executable kinds, removes ended grants, ignores the rest', () => {
    expect(intentOf({ kind: 'grant', status: 'approved' })).toBe('apply');
    expect(intentOf({ kind: 'delete-identity', status: 'approved' })).toBe('apply');
    expect(intentOf({ kind: 'break-glass', status: 'expired' })).toBe('remove');
    expect(intentOf({ kind: 'grant', status: 'revoked' })).toBe('remove');
    expect(intentOf({ kind: 'rotate', status: 'approved' })).toBeUndefined();
    expect(intentOf({ kind: 'exception', status: 'approved' })).toBeUndefined();
    expect(intentOf({ kind: 'create-identity', status: 'revoked' })).toBeUndefined();
    expect(intentOf({ kind: 'grant', status: 'pending' })).toBeUndefined();
  });
});

describe('planChanges', () => {
  it('attaches a granted managed policy, or marks it done when already attached', () => {
    const fresh = planChanges({ decision: approvedGrant(), state: role(), guardrails: G });
    const done = planChanges({
      decision: approvedGrant(),
      state: role({ attachedPolicyArns: [RO] }),
      guardrails: G,
    });

    expect(fresh).toMatchObject({
      outcome: 'changes',
      changes: [{ action: 'attach-policy', policyArn: RO, alreadyDone: false }],
    });
    expect(done).toMatchObject({
      outcome: 'changes',
      changes: [{ action: 'attach-policy', alreadyDone: true }],
    });
  });

  it('treats an inline policy as in place only when its document is the same, whatever the key order', () => {
    const decision = approvedGrant({
      request: {
        kind: 'grant',
        identity: { type: 'role', name: 'payments-batch' },
        entitlement: { type: 'inline-policy', policyName: 'read', document: DOC },
        justification: 'reads one bucket for the batch',
      },
    });
    const reordered = {
      Statement: [{ Resource: '*', Action: 's3:GetObject', Effect: 'Allow' }],
      Version: '2012-10-17',
    };
    const same = planChanges({
      decision,
      state: role({ inlinePolicies: [{ name: 'read', document: reordered }] }),
      guardrails: G,
    });
    const changed = planChanges({
      decision,
      state: role({ inlinePolicies: [{ name: 'read', document: { ...reordered, Statement: [] } }] }),
      guardrails: G,
    });

    expect(same).toMatchObject({ changes: [{ action: 'put-inline-policy', alreadyDone: true }] });
    expect(changed).toMatchObject({ changes: [{ action: 'put-inline-policy', alreadyDone: false }] });
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('refuses identities outside the managed path, without the boundary, or missing', () => {
    const outside = planChanges({
      decision: approvedGrant(),
      state: role({ path: '/legacy/' }),
      guardrails: G,
    });
    const unbounded = planChanges({
      decision: approvedGrant(),
      state: role({ permissionsBoundaryArn: undefined }),
      guardrails: G,
    });
    const missing = planChanges({ decision: approvedGrant(), state: undefined, guardrails: G });

    expect(outside).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/outside the managed path/),
    });
    expect(unbounded).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/permissions boundary/),
    });
    expect(missing).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/does not exist/) });
  });

  it('accepts identities below the managed path', () => {
    const plan = planChanges({
      decision: approvedGrant(),
      state: role({ path: '/nhi/team-a/' }),
      guardrails: G,
    });
    expect(plan.outcome).toBe('changes');
  });

  it('schedules the revoke of a time-bound grant before granting it', () => {
    const plan = planChanges({
      decision: approvedGrant({ expiresAt: '2026-03-01T12:30:00.000Z' }),
      state: role(),
      guardrails: G,
    });
    expect(plan).toMatchObject({
      changes: [
        { action: 'schedule-revoke', expression: 'at(2026-03-01T12:30:00)' },
        { action: 'attach-policy' },
      ],
    });
  });

  it('removes an ended grant unless another in-force decision still grants it, and cancels a revoked grant’s schedule', () => {
    const revoked = approvedGrant({ status: 'revoked', expiresAt: '2026-03-01T12:30:00.000Z' });
    const removes = planChanges({
      decision: revoked,
      state: role({ attachedPolicyArns: [RO] }),
      guardrails: G,
    });
    const keeps = planChanges({
      decision: revoked,
      state: role({ attachedPolicyArns: [RO] }),
      guardrails: G,
      stillGranted: new Set([`managed-policy:${RO}`]),
    });

    expect(removes).toMatchObject({
      changes: [{ action: 'detach-policy', alreadyDone: false }, { action: 'cancel-revoke-schedule' }],
    });
    expect(keeps).toMatchObject({
      changes: [{ action: 'cancel-revoke-schedule' }],
      notes: [expect.stringMatching(/still grants/)],
    });
  });

  it('creates a user with path, boundary and tags, and its key into the prefixed secret', () => {
    const decision = aDecision({
      id: 'd-create-user-0001',
      status: 'approved',
      kind: 'create-identity',
      owner: 'team-ci',
      identityKey: 'user/ci',
      request: {
        kind: 'create-identity',
        identity: { type: 'user', name: 'ci' },
        owner: 'team-ci',
        tags: { [TAG_DECISION_ID]: 'forged', env: 'prod' },
        justification: 'the pipeline deploys as this user',
      },
    });
    const plan = planChanges({ decision, state: undefined, guardrails: G });

    expect(plan).toMatchObject({
      outcome: 'changes',
      changes: [
        {
          action: 'create-user',
          path: '/nhi/',
          permissionsBoundaryArn: BOUNDARY,
          tags: { env: 'prod', [TAG_DECISION_ID]: 'd-create-user-0001', [TAG_OWNER]: 'team-ci' },
        },
        { action: 'create-access-key', secretName: 'nhi-gov/ci', alreadyDone: false },
      ],
    });
  });

  it('refuses to adopt an existing identity on create unless this decision created it', () => {
    const decision = aDecision({
      status: 'approved',
      kind: 'create-identity',
      request: {
        kind: 'create-identity',
        identity: { type: 'role', name: 'payments-batch' },
        trustPolicy: DOC,
        owner: 'team-payments',
        justification: 'the batch needs a role of its own',
      },
    });
    const foreign = planChanges({ decision, state: role(), guardrails: G });
    const ours = planChanges({
      decision,
      state: role({ tags: { [TAG_DECISION_ID]: decision.id } }),
      guardrails: G,
    });

    expect(foreign.outcome).toBe('refused');
    expect(ours).toMatchObject({
      outcome: 'changes',
      changes: [{ action: 'create-role', alreadyDone: true }],
    });
  });

  it('deletes an identity completely, in an order IAM accepts', () => {
    const decision = aDecision({
      status: 'approved',
      kind: 'delete-identity',
      identityKey: 'user/old',
      request: {
        kind: 'delete-identity',
        identity: { type: 'user', name: 'old' },
        justification: 'offboarding the old sync',
      },
    });
    const state: IdentityState = {
      ...role({ type: 'user', name: 'old', attachedPolicyArns: [RO], inlinePolicies: [{ name: 'p' }] }),
      accessKeys: [{ accessKeyId: 'AKIA1', active: true }],
      groups: ['g'],
      hasLoginProfile: true,
    };
    const plan = planChanges({ decision, state, guardrails: G });

    expect(plan.outcome === 'changes' && plan.changes.map((c) => c.target)).toEqual([
      'user/old:login-profile',
      'user/old:access-key/AKIA1',
      'user/old:group/g',
      `user/old:${RO}`,
      'user/old:inline-policy/p',
      'user/old',
      'secret:nhi-gov/old',
    ]);
    expect(planChanges({ decision, state: undefined, guardrails: G })).toMatchObject({
      changes: [{ action: 'delete-key-secret' }],
      notes: ['user/old does not exist'],
    });
  });
});

describe('planChanges: a user with other credentials', () => {
  const decision = aDecision({
    status: 'approved',
    kind: 'delete-identity',
    identityKey: 'user/old',
    request: {
      kind: 'delete-identity',
      identity: { type: 'user', name: 'old' },
      justification: 'offboarding the old sync',
    },
  });
  const VIRTUAL = 'arn:aws:iam::111122223333:mfa/old';

  it('removes MFA devices (deleting virtual ones), certificates, SSH keys and service credentials before the user', () => {
    const state: IdentityState = {
      ...role({ type: 'user', name: 'old' }),
      mfaDevices: [{ serialNumber: VIRTUAL }, { serialNumber: 'GAHT12345678' }],
      signingCertificates: ['CERT1'],
      sshPublicKeys: ['APKA1'],
      serviceSpecificCredentials: ['ACCA1'],
      groups: ['g'],
    };

    const plan = planChanges({ decision, state, guardrails: G });

    expect(plan.outcome === 'changes' && plan.changes.map((c) => c.target)).toEqual([
      `user/old:mfa-device/${VIRTUAL}`,
      `user/old:virtual-mfa-device/${VIRTUAL}`,
      'user/old:mfa-device/GAHT12345678',
      'user/old:signing-certificate/CERT1',
      'user/old:ssh-public-key/APKA1',
      'user/old:service-specific-credential/ACCA1',
      'user/old:group/g',
      'user/old',
      'secret:nhi-gov/old',
    ]);
  });

  it('still deletes a virtual device an earlier attempt deactivated, even once the user is gone', () => {
    const state: IdentityState = { ...role({ type: 'user', name: 'old' }), mfaDevices: [] };

    const live = planChanges({ decision, state, guardrails: G, deactivatedVirtualMfaDevices: [VIRTUAL] });
    const gone = planChanges({
      decision,
      state: undefined,
      guardrails: G,
      deactivatedVirtualMfaDevices: [VIRTUAL],
    });

    expect(live.outcome === 'changes' && live.changes.map((c) => c.action)).toEqual([
      'delete-virtual-mfa-device',
      'delete-identity',
      'delete-key-secret',
    ]);
    expect(gone.outcome === 'changes' && gone.changes.map((c) => c.action)).toEqual([
      'delete-virtual-mfa-device',
      'delete-key-secret',
    ]);
  });

  it('plans the MFA deactivation a credential report shows, without a serial, and nothing when it shows none', () => {
    const user = (mfaActive: boolean | undefined): IamInventory => ({
      source: 'snapshot',
      collectedAt: '2026-03-01T00:00:00.000Z',
      roles: [],
      users: [
        {
          name: 'old',
          arn: 'arn:aws:iam::111122223333:user/nhi/old',
          path: '/nhi/',
          createdAt: '2025-01-01T00:00:00.000Z',
          tags: {},
          attachedManagedPolicies: [],
          inlinePolicies: [],
          groups: [],
          ...(mfaActive !== undefined ? { mfaActive } : {}),
          accessKeys: [],
          credentialReportSeen: mfaActive !== undefined,
        },
      ],
      origin: ['test'],
    });
    const now = new Date('2026-03-02T00:00:00.000Z');
    const planned = (inv: IamInventory) =>
      planDecisions([decision], inv, G, now).flatMap((p) => p.changes.map((c) => c.action));

    const [withMfa] = planDecisions([decision], user(true), G, now);

    expect(withMfa?.changes[0]).toMatchObject({
      action: 'deactivate-mfa-device',
      target: 'user/old:mfa-device/?',
    });
    expect(withMfa?.changes[0] && describeChange(withMfa.changes[0])).toMatch(
      /deactivate the MFA devices of user\/old .*serials are not in the snapshot/,
    );
    expect(planned(user(false))).toEqual(['delete-identity', 'delete-key-secret']);
    expect(planned(user(undefined))).toEqual(['delete-identity', 'delete-key-secret']);
  });
});

describe('applyToState and planDecisions', () => {
  const inventory: IamInventory = {
    source: 'snapshot',
    collectedAt: '2026-03-01T00:00:00.000Z',
    roles: [
      {
        name: 'payments-batch',
        arn: 'arn:aws:iam::111122223333:role/nhi/payments-batch',
        path: '/nhi/',
        createdAt: '2025-01-01T00:00:00.000Z',
        tags: {},
        attachedManagedPolicies: [{ arn: RO, name: 'ReadOnlyAccess' }],
        inlinePolicies: [],
        permissionsBoundaryArn: BOUNDARY,
        instanceProfiles: [],
      },
    ],
    users: [],
    origin: ['test'],
  };

  it('reads an identity out of an inventory', () => {
    expect(identityStateFromInventory(inventory, { type: 'role', name: 'payments-batch' })).toMatchObject({
      path: '/nhi/',
      permissionsBoundaryArn: BOUNDARY,
      attachedPolicyArns: [RO],
    });
    expect(identityStateFromInventory(inventory, { type: 'user', name: 'payments-batch' })).toBeUndefined();
  });

  it('plans later decisions on the state earlier ones leave', () => {
    const now = new Date('2026-03-02T00:00:00.000Z');
    const create = aDecision({
      status: 'approved',
      kind: 'create-identity',
      identityKey: 'role/loader',
      decidedAt: '2026-03-01T01:00:00.000Z',
      request: {
        kind: 'create-identity',
        identity: { type: 'role', name: 'loader' },
        trustPolicy: DOC,
        owner: 'team-data',
        justification: 'a loader role for the warehouse',
      },
    });
    const grantToNew = approvedGrant({
      identityKey: 'role/loader',
      decidedAt: '2026-03-01T02:00:00.000Z',
      request: {
        kind: 'grant',
        identity: { type: 'role', name: 'loader' },
        entitlement: { type: 'managed-policy', policyArn: RO },
        justification: 'the loader reads the source data',
      },
    });
    const plans = planDecisions([grantToNew, create], inventory, G, now);

    expect(plans.map((p) => [p.decision.id, p.outcome, p.changes.map((c) => c.action)])).toEqual([
      [create.id, 'changes', ['create-role']],
      [grantToNew.id, 'changes', ['attach-policy']],
    ]);
    const created = applyToState(undefined, plans[0]?.changes[0] as never);
    expect(created).toMatchObject({
      path: '/nhi/',
      permissionsBoundaryArn: BOUNDARY,
      attachedPolicyArns: [],
    });
  });

  it('leaves out decisions no longer in force and those not for provisioning', () => {
    const now = new Date('2026-03-02T00:00:00.000Z');
    const expiredButApproved = approvedGrant({ expiresAt: '2026-03-01T00:00:00.000Z' });
    const pending = aDecision();
    const rotate = aDecision({ status: 'approved', kind: 'rotate' });
    expect(planDecisions([expiredButApproved, pending, rotate], inventory, G, now)).toEqual([]);
  });
});
