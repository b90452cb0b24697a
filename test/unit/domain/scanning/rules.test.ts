import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../../lib/config/policy-file.js';
import type { Decision } from '../../../../lib/domain/decision.js';
import type { FindingType } from '../../../../lib/domain/finding.js';
import type { IamInventory } from '../../../../lib/domain/inventory.js';
import { approvedState } from '../../../../lib/domain/scanning/approved-state.js';
import { classifyInventory } from '../../../../lib/domain/scanning/classify.js';
import { type FindingDraft, RULES } from '../../../../lib/domain/scanning/rules/index.js';
import { aDecision, BOB } from '../../../support/builders.js';
import { AS_OF, anInventory, aRole, aUser, daysAgo } from '../../../support/fakes/iam-read.js';

const policy = loadPolicyFile().document;
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

function scan(inventory: IamInventory, decisions: Decision[] = [], asOf = AS_OF): FindingDraft[] {
  const approved = decisions.filter((d) => d.status === 'approved');
  const identities = classifyInventory(inventory, policy.managedPath, approved);
  const states = approvedState(approved, asOf);
  const breakGlass = decisions.filter((d) => d.request.kind === 'break-glass');
  return RULES.flatMap((rule) => rule.run({ asOf, policy, identities, states, approved, breakGlass }));
}

const ofType = (drafts: FindingDraft[], type: FindingType) => drafts.filter((d) => d.type === type);
const keysOf = (drafts: FindingDraft[], type: FindingType) =>
  ofType(drafts, type)
    .map((d) => `${d.identityKey}${d.subject ? `#${d.subject}` : ''}`)
    .sort();

/** An approved decision of any kind, decided `decided` days before AS_OF. */
function approved(request: Decision['request'], decided = 5, overrides: Partial<Decision> = {}): Decision {
  const at = daysAgo(decided);
  const key = `${request.identity.type}/${request.identity.name}`;
  return aDecision({
    status: 'approved',
    kind: request.kind,
    request,
    identityKey: key,
    version: 2,
    createdAt: at,
    updatedAt: at,
    decidedAt: at,
    approvals: [{ approver: BOB, at, basis: 'tier low' }],
    ...overrides,
  });
}

const createRole = (name: string, decided = 5) =>
  approved(
    {
      kind: 'create-identity',
      identity: { type: 'role', name },
      owner: 'team-data',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      justification: 'a role for the nightly batch',
    },
    decided,
  );
const grant = (name: string, policyArn = READ_ONLY, decided = 5, overrides: Partial<Decision> = {}) =>
  approved(
    {
      kind: 'grant',
      identity: { type: 'role', name },
      entitlement: { type: 'managed-policy', policyArn },
      justification: 'reads the ledger every night',
    },
    decided,
    overrides,
  );

describe('classification', () => {
  it('excludes service-linked and SSO roles from every rule', () => {
    const old = { createdAt: daysAgo(400), lastUsedAt: undefined, tags: {} };
    const drafts = scan(
      anInventory({
        roles: [
          aRole('AWSServiceRoleForSupport', { ...old, path: '/aws-service-role/support.amazonaws.com/' }),
          aRole('AWSReservedSSO_Admin_1234', { ...old, path: '/aws-reserved/sso.amazonaws.com/eu-west-1/' }),
          aRole('legacy', { ...old, path: '/' }),
        ],
      }),
    );
    expect(new Set(drafts.map((d) => d.identityKey))).toEqual(new Set(['role/legacy']));
  });

  it('treats a user with a password and no key as a human, and one with both as human use of an NHI', () => {
    const drafts = scan(
      anInventory({
        users: [
          aUser('alice', { path: '/', tags: {}, passwordEnabled: true, accessKeys: [] }),
          aUser('ci-bot', { path: '/', passwordEnabled: false }),
          aUser('shared-bot', { path: '/', passwordEnabled: true, passwordLastUsedAt: daysAgo(2) }),
        ],
      }),
    );
    expect(keysOf(drafts, 'human-use-of-nhi')).toEqual(['user/shared-bot']);
    expect(drafts.some((d) => d.identityKey === 'user/alice')).toBe(false);
    expect(ofType(drafts, 'human-use-of-nhi')[0]?.evidence).toMatchObject({
      passwordLastUsedAt: daysAgo(2),
      activeAccessKeys: [1],
    });
  });
});

describe('stale-role', () => {
  const role = (name: string, created: number, lastUsed?: number) =>
    aRole(name, {
      path: '/',
      createdAt: daysAgo(created),
      lastUsedAt: lastUsed === undefined ? undefined : daysAgo(lastUsed),
    });

  it('flags a role created more than 90 days ago and unused for more than 90 days, or never used', () => {
    const drafts = scan(
      anInventory({
        roles: [
          role('created-90-never-used', 90),
          role('created-91-never-used', 91),
          role('used-90-days-ago', 400, 90),
          role('used-91-days-ago', 400, 91),
          role('used-yesterday', 400, 1),
        ],
      }),
    );
    expect(keysOf(drafts, 'stale-role')).toEqual(['role/created-91-never-used', 'role/used-91-days-ago']);
    expect(
      ofType(drafts, 'stale-role').find((d) => d.identityKey === 'role/created-91-never-used')?.evidence,
    ).toMatchObject({
      lastUsedAt: null,
      thresholdDays: 90,
    });
  });

  it('takes its threshold from the policy', () => {
    const strict = { ...policy, thresholds: { ...policy.thresholds, staleRoleDays: 30 } };
    const inventory = anInventory({ roles: [role('r', 45, 31)] });
    const identities = classifyInventory(inventory, strict.managedPath, []);
    const drafts = RULES.flatMap((rule) =>
      rule.run({ asOf: AS_OF, policy: strict, identities, states: new Map(), approved: [], breakGlass: [] }),
    );
    expect(keysOf(drafts, 'stale-role')).toEqual(['role/r']);
  });
});

describe('access keys', () => {
  const user = (name: string, key: { rotated: number; used?: number; active?: boolean }) =>
    aUser(name, {
      path: '/',
      accessKeys: [
        {
          slot: 1,
          active: key.active ?? true,
          lastRotatedAt: daysAgo(key.rotated),
          ...(key.used === undefined ? {} : { lastUsedAt: daysAgo(key.used) }),
        },
      ],
    });

  it('flags unused keys: not used in more than 90 days, or never used and older than 90 days', () => {
    const drafts = scan(
      anInventory({
        users: [
          user('used-90', { rotated: 10, used: 90 }),
          user('used-91', { rotated: 10, used: 91 }),
          user('never-used-90', { rotated: 90 }),
          user('never-used-91', { rotated: 91 }),
          user('inactive', { rotated: 400, used: 300, active: false }),
        ],
      }),
    );
    expect(keysOf(drafts, 'unused-access-key')).toEqual([
      'user/never-used-91#access-key-1',
      'user/used-91#access-key-1',
    ]);
  });

  it('flags an active key last rotated more than 90 days ago', () => {
    const drafts = scan(
      anInventory({
        users: [
          user('rotated-90', { rotated: 90, used: 1 }),
          user('rotated-91', { rotated: 91, used: 1 }),
          user('inactive-old', { rotated: 400, active: false }),
        ],
      }),
    );
    expect(keysOf(drafts, 'unrotated-access-key')).toEqual(['user/rotated-91#access-key-1']);
  });

  it('judges no key rule for a user the credential report did not cover', () => {
    const drafts = scan(
      anInventory({
        users: [aUser('no-report', { credentialReportSeen: false, accessKeys: [], createdAt: daysAgo(500) })],
      }),
    );
    expect(ofType(drafts, 'unused-access-key')).toEqual([]);
    expect(ofType(drafts, 'human-use-of-nhi')).toEqual([]);
  });
});

describe('orphaned-identity', () => {
  it('flags an NHI with no owner tag and no decision naming an owner', () => {
    const drafts = scan(
      anInventory({
        roles: [
          aRole('tagged', { path: '/' }),
          aRole('owned-by-decision', { path: '/', tags: {} }),
          aRole('orphan', { path: '/', tags: {} }),
        ],
      }),
      [grant('owned-by-decision')],
    );
    expect(keysOf(drafts, 'orphaned-identity')).toEqual(['role/orphan']);
  });
});

describe('drift', () => {
  it('is quiet when every identity and attachment under the managed path has an approved decision', () => {
    const drafts = scan(
      anInventory({
        roles: [aRole('batch', { attachedManagedPolicies: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }] })],
      }),
      [createRole('batch'), grant('batch')],
    );
    expect(ofType(drafts, 'unapproved-access')).toEqual([]);
    expect(ofType(drafts, 'missing-access')).toEqual([]);
  });

  it('flags a console-made identity, attachment and inline policy under the managed path, not outside it', () => {
    const drafts = scan(
      anInventory({
        roles: [
          aRole('console-made', { attachedManagedPolicies: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }] }),
          aRole('batch', {
            attachedManagedPolicies: [
              { arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' },
            ],
            inlinePolicies: [{ name: 'hand-written', document: {} }],
          }),
          aRole('outside', {
            path: '/legacy/',
            attachedManagedPolicies: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }],
          }),
        ],
      }),
      [createRole('batch')],
    );
    expect(keysOf(drafts, 'unapproved-access')).toEqual([
      'role/batch#inline-policy:hand-written',
      'role/batch#managed-policy:arn:aws:iam::aws:policy/AdministratorAccess',
      'role/console-made#identity',
      `role/console-made#managed-policy:${READ_ONLY}`,
    ]);
  });

  it('flags an approved grant or identity that IAM does not show', () => {
    const drafts = scan(anInventory({ roles: [aRole('batch')] }), [
      createRole('batch'),
      grant('batch'),
      createRole('never-created'),
    ]);
    expect(keysOf(drafts, 'missing-access')).toEqual([
      `role/batch#managed-policy:${READ_ONLY}`,
      'role/never-created#identity',
    ]);
  });

  it('treats an attachment revoked by a later approved revoke as unapproved', () => {
    const revoke = approved(
      {
        kind: 'revoke',
        identity: { type: 'role', name: 'batch' },
        entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
        justification: 'no longer needed by the job',
      },
      2,
    );
    const drafts = scan(
      anInventory({
        roles: [aRole('batch', { attachedManagedPolicies: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }] })],
      }),
      [createRole('batch', 10), grant('batch', READ_ONLY, 5), revoke],
    );
    expect(keysOf(drafts, 'unapproved-access')).toEqual([`role/batch#managed-policy:${READ_ONLY}`]);
    expect(ofType(drafts, 'missing-access')).toEqual([]);
  });

  it('ignores decisions made after the scan date', () => {
    const drafts = scan(anInventory({ roles: [aRole('batch')] }), [
      createRole('batch', 10),
      grant('batch', READ_ONLY, -1),
    ]);
    expect(ofType(drafts, 'missing-access')).toEqual([]);
  });
});

describe('expired grants and exceptions', () => {
  const exception = (name: string, expiresAt: string) =>
    approved(
      {
        kind: 'exception',
        identity: { type: 'role', name },
        findingTypes: ['stale-role'],
        riskAcceptance: {
          owner: 'team-data',
          risk: 'the role is kept for the yearly audit',
          compensatingControls: ['SCP denies writes'],
          residualSeverity: 'low',
        },
        expiresAt,
        justification: 'kept for the yearly audit job',
      },
      30,
      { expiresAt },
    );

  it('flags a JIT grant at its expiry, not a second before, and asks for a grant-expired revoke', () => {
    const atExpiry = grant('batch', READ_ONLY, 5, { expiresAt: AS_OF.toISOString() });
    const notYet = grant('other', READ_ONLY, 5, {
      expiresAt: new Date(AS_OF.getTime() + 1000).toISOString(),
    });
    const drafts = scan(anInventory({ roles: [aRole('batch'), aRole('other')] }), [atExpiry, notYet]);
    expect(ofType(drafts, 'expired-grant').map((d) => [d.subject, d.revoke])).toEqual([
      [atExpiry.id, { decisionId: atExpiry.id, reason: 'grant-expired' }],
    ]);
  });

  it('does not count an expired grant as drift or as missing access', () => {
    const expired = grant('batch', READ_ONLY, 5, { expiresAt: daysAgo(1) });
    const drafts = scan(
      anInventory({
        roles: [aRole('batch', { attachedManagedPolicies: [{ arn: READ_ONLY, name: 'ReadOnlyAccess' }] })],
      }),
      [createRole('batch', 10), expired],
    );
    expect(keysOf(drafts, 'expired-grant')).toEqual([`role/batch#${expired.id}`]);
    expect(ofType(drafts, 'unapproved-access')).toEqual([]);
    expect(ofType(drafts, 'missing-access')).toEqual([]);
  });

  it('flags an exception past its expiry and asks for an exception-expired revoke', () => {
    const expired = exception('old', daysAgo(0.5));
    const active = exception('kept', daysAgo(-0.5));
    const drafts = scan(anInventory({ roles: [aRole('old'), aRole('kept')] }), [expired, active]);
    expect(ofType(drafts, 'expired-exception').map((d) => d.revoke)).toEqual([
      { decisionId: expired.id, reason: 'exception-expired' },
    ]);
  });
});

describe('certification-overdue', () => {
  it('flags a managed NHI whose last approved decision is more than 90 days old, or its creation when none', () => {
    const drafts = scan(
      anInventory({
        roles: [
          aRole('reviewed-90', { createdAt: daysAgo(400) }),
          aRole('reviewed-91', { createdAt: daysAgo(400) }),
          aRole('new-90', { createdAt: daysAgo(90) }),
          aRole('new-91', { createdAt: daysAgo(91) }),
          aRole('outside', { path: '/', createdAt: daysAgo(400) }),
        ],
      }),
      [createRole('reviewed-90', 90), createRole('reviewed-91', 91)],
    );
    expect(keysOf(drafts, 'certification-overdue')).toEqual(['role/new-91', 'role/reviewed-91']);
  });
});

describe('certification-overdue with campaigns', () => {
  it('counts a campaign review as the last review when it is later than the last decision', () => {
    const inventory = anInventory({
      roles: [aRole('kept', { createdAt: daysAgo(400) }), aRole('not-kept', { createdAt: daysAgo(400) })],
    });
    const approvedList = [createRole('kept', 200), createRole('not-kept', 200)];
    const identities = classifyInventory(inventory, policy.managedPath, approvedList);
    const drafts = RULES.flatMap((rule) =>
      rule.run({
        asOf: AS_OF,
        policy,
        identities,
        states: approvedState(approvedList, AS_OF),
        approved: approvedList,
        breakGlass: [],
        lastCertifiedAt: new Map([['role/kept', daysAgo(10)]]),
      }),
    );
    expect(keysOf(drafts, 'certification-overdue')).toEqual(['role/not-kept']);
  });
});

describe('break-glass-review-overdue', () => {
  const breakGlass = (name: string, reviewDueAt: string, overrides: Partial<Decision> = {}) =>
    approved(
      {
        kind: 'break-glass',
        identity: { type: 'role', name },
        entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
        durationMinutes: 60,
        justification: 'production incident INC-1234 needs read access now',
      },
      1,
      { reviewDueAt, expiresAt: daysAgo(0.9), ...overrides },
    );

  it('flags emergency access whose review was due before the scan and never happened, whatever its status', () => {
    const overdue = breakGlass('a', daysAgo(0.01), { status: 'revoked' });
    const dueNow = breakGlass('b', AS_OF.toISOString());
    const reviewed = breakGlass('c', daysAgo(0.01), { reviewedAt: daysAgo(0.1), reviewedBy: BOB });
    const drafts = scan(anInventory({ roles: [aRole('a'), aRole('b'), aRole('c')] }), [
      overdue,
      dueNow,
      reviewed,
    ]);
    expect(ofType(drafts, 'break-glass-review-overdue').map((d) => d.subject)).toEqual([overdue.id]);
  });
});
