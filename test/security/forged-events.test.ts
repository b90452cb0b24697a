/**
 * Issue #10, class 4: a forged, stale or ignored event must never poison exactly-once. Only an outcome
 * that was verified and acted on may be remembered; every refused event leaves a finding.
 *
 * The attacker here can put events on the suite's bus or invoke an executor directly, and knows (or
 * guesses) every decision id. Runs the real handlers on DynamoDB Local (decisions, executions,
 * findings, idempotency) with the stateful IAM / Secrets Manager / Scheduler fakes.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../functions/shared/observability.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { SecretsManagerVault } from '../../lib/adapters/secrets-manager/secret-vault.js';
import type { Decision } from '../../lib/domain/decision.js';
import { findingId } from '../../lib/domain/finding.js';
import { RotateOnDecision } from '../../lib/domain/rotation/on-demand.js';
import { rotationToken } from '../../lib/domain/rotation/rotation-token.js';
import {
  approved,
  BOUNDARY,
  DECIDED_AT,
  decisionEvent,
  type Harness,
  harness,
  lambdaContext,
  READ_ONLY,
} from '../integration/provisioning/harness.js';
import { BOB, newTestId } from '../support/builders.js';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('../integration/provisioning/env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const provisionModule = await import('../../functions/provision/handler.js');
const rotateModule = await import('../../functions/rotate/handler.js');

const REVOKED_AT = '2026-03-01T09:59:30.000Z';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.restore());

function provisionHandler() {
  return provisionModule.buildHandler({
    provision: h.provision(),
    persistenceStore: h.persistence,
    observability: observability('forged-events-test'),
  });
}

type DetailType = 'DecisionApproved' | 'DecisionRevoked' | 'DecisionExpired';

/** A pending grant of ReadOnlyAccess to a fresh bounded role; governance then moves it on. */
async function pendingGrant(roleName = `r-${newTestId()}`): Promise<Decision> {
  h.iam.addRole({ name: roleName, boundary: BOUNDARY });
  const d = approved({
    status: 'pending',
    version: 1,
    identityKey: `role/${roleName}`,
    request: {
      kind: 'grant',
      identity: { type: 'role', name: roleName },
      entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
      justification: 'nightly reconciliation job reads the ledger',
      owner: 'team-payments',
    },
  });
  const pending: Decision = { ...d, approvals: [], history: d.history.slice(0, 1) };
  await h.decisions.create(pending);
  return pending;
}

/** Governance approves (version 2). */
async function approve(d: Decision): Promise<Decision> {
  const next: Decision = {
    ...d,
    status: 'approved',
    version: 2,
    decidedAt: DECIDED_AT,
    updatedAt: DECIDED_AT,
    approvals: [{ approver: BOB, at: DECIDED_AT, basis: 'tier low' }],
    history: [...d.history, { at: DECIDED_AT, actor: BOB, action: 'approved', version: 2 }],
  };
  await h.decisions.update(next, 1);
  return next;
}

/** Governance revokes (version 3). */
async function revoke(d: Decision): Promise<Decision> {
  const next: Decision = {
    ...d,
    status: 'revoked',
    version: 3,
    updatedAt: REVOKED_AT,
    history: [...d.history, { at: REVOKED_AT, actor: BOB, action: 'revoked', version: 3 }],
  };
  await h.decisions.update(next, 2);
  return next;
}

/** The event an attacker (or the pipe) puts on the bus about decision `d`. */
function eventAbout(
  d: Pick<Decision, 'id' | 'identityKey'>,
  detailType: DetailType,
  version: number,
  overrides: Record<string, unknown> = {},
) {
  return decisionEvent(
    { id: d.id, identityKey: d.identityKey, kind: 'grant', version },
    detailType,
    overrides,
  );
}

const roleOf = (d: Decision) => d.identityKey.slice('role/'.length);
const attachedTo = (d: Decision) => h.iam.roles.get(roleOf(d))?.attached ?? [];
const mutationsOn = (d: Decision, command: string) =>
  h.iam.applied.filter((a) => a.command === command && a.input.RoleName === roleOf(d)).length;
const forgedFinding = (d: Pick<Decision, 'id'>, detailType: string, version: number) =>
  h.findings.get(findingId('forged-event', `decision/${d.id}`, `${detailType}:${version}`));

async function tableItems(table: string): Promise<number> {
  const r = await h.tables.doc.send(new ScanCommand({ TableName: table }));
  return r.Items?.length ?? 0;
}

describe('provision: a refused event is never remembered as an outcome', () => {
  it('a forged DecisionRevoked before the genuine one does not leave the policy attached', async () => {
    // Arrange: the grant is approved and in place.
    const handler = provisionHandler();
    const grant = await approve(await pendingGrant());
    await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext());
    expect(attachedTo(grant)).toEqual([READ_ONLY]);
    // Act: the attacker guesses the revoke's version and sends it first; then governance really revokes.
    const forged = await handler(eventAbout(grant, 'DecisionRevoked', 3), lambdaContext());
    await revoke(grant);
    const genuine = await handler(eventAbout(grant, 'DecisionRevoked', 3), lambdaContext());
    // Assert
    expect(forged.status).toBe('forged');
    expect(genuine.status).toBe('succeeded');
    expect(attachedTo(grant)).toEqual([]);
    expect(await forgedFinding(grant, 'DecisionRevoked', 3)).toMatchObject({ status: 'open' });
  });

  it('a forged DecisionApproved before the approval does not make the genuine approval a no-op', async () => {
    const handler = provisionHandler();
    const grant = await pendingGrant();

    const forged = await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext());
    await approve(grant);
    const genuine = await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext());

    expect(forged.status).toBe('forged');
    expect(genuine.status).toBe('succeeded');
    expect(attachedTo(grant)).toEqual([READ_ONLY]);
  });

  it('an ignored event (a kind the rules never route here) leaves a finding and does not block the genuine one', async () => {
    const handler = provisionHandler();
    const grant = await approve(await pendingGrant());
    const idempotencyBefore = await tableItems(h.tables.names.idempotency);

    // Same decision id, version and status as the genuine event, but a kind provision does not execute.
    const ignored = await handler(
      eventAbout(grant, 'DecisionApproved', 2, { kind: 'rotate' }),
      lambdaContext(),
    );
    const idempotencyAfterRefusal = await tableItems(h.tables.names.idempotency);
    const genuine = await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext());

    expect(ignored.status).toBe('forged');
    expect(idempotencyAfterRefusal).toBe(idempotencyBefore);
    expect(await forgedFinding(grant, 'DecisionApproved', 2)).toMatchObject({
      status: 'open',
      source: 'provisioning',
    });
    expect(genuine.status).toBe('succeeded');
    expect(attachedTo(grant)).toEqual([READ_ONLY]);
  });

  it('a genuine event of a decision provision does not execute is refused as not routed here, with a finding', async () => {
    const handler = provisionHandler();
    const rotate = approved({
      kind: 'rotate',
      identityKey: 'user/ci-deployer',
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'the key leaked into a build log',
      },
    });
    await h.decisions.create(rotate);

    const outcome = await handler(decisionEvent(rotate), lambdaContext());

    expect(outcome).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/never route it here/),
    });
    expect(await forgedFinding(rotate, 'DecisionApproved', 2)).toMatchObject({
      status: 'open',
      evidence: expect.objectContaining({ routed: false, actedOn: false }),
    });
    expect(await tableItems(h.tables.names.idempotency)).toBe(0);
    expect(h.iam.mock.calls()).toHaveLength(0);
  });

  it('a genuine event before a forged copy: the copy changes nothing and is refused', async () => {
    const handler = provisionHandler();
    const grant = await approve(await pendingGrant());

    await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext());
    const copy = await handler(
      eventAbout(grant, 'DecisionApproved', 2, { identityKey: 'role/someone-else' }),
      lambdaContext(),
    );

    expect(copy.status).toBe('forged');
    expect(mutationsOn(grant, 'AttachRolePolicy')).toBe(1);
    expect(h.iam.roles.get('someone-else')).toBeUndefined();
  });

  it('a replay of the approval after the revoke re-attaches nothing, also once idempotency records expired', async () => {
    const handler = provisionHandler();
    const grant = await approve(await pendingGrant());
    const approvedEvent = eventAbout(grant, 'DecisionApproved', 2);
    await handler(approvedEvent, lambdaContext());
    await revoke(grant);
    await handler(eventAbout(grant, 'DecisionRevoked', 3), lambdaContext());

    const replay = await handler({ ...approvedEvent, id: 'replayed' }, lambdaContext());
    const r = await h.tables.doc.send(new ScanCommand({ TableName: h.tables.names.idempotency }));
    for (const item of r.Items ?? []) {
      await h.tables.doc.send(
        new DeleteCommand({ TableName: h.tables.names.idempotency, Key: { id: item.id } }),
      );
    }
    const afterTtl = await handler({ ...approvedEvent, id: 'after-ttl' }, lambdaContext());

    expect(replay.status).toBe('forged');
    expect(afterTtl.status).toBe('forged');
    expect(attachedTo(grant)).toEqual([]);
    expect(mutationsOn(grant, 'AttachRolePolicy')).toBe(1);
    expect(mutationsOn(grant, 'DetachRolePolicy')).toBe(1);
  });

  it('a guessed id of a revoke decision governance has yet to file does not make that revoke a no-op', async () => {
    // Whatever scheme governance uses for system-revoke ids, an attacker may guess one.
    const handler = provisionHandler();
    const grant = await approve(await pendingGrant());
    await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext());
    const revokeId = `${grant.id}-revoke`;
    const revokeRef = {
      id: revokeId,
      version: 2,
      kind: 'revoke' as const,
      identityKey: grant.identityKey,
    };

    const forged = await handler(decisionEvent(revokeRef), lambdaContext());
    await h.decisions.create(
      approved({
        id: revokeId,
        kind: 'revoke',
        identityKey: grant.identityKey,
        revokes: grant.id,
        request: {
          kind: 'revoke',
          identity: { type: 'role', name: roleOf(grant) },
          entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
          revokes: grant.id,
          justification: 'system revoke: expired',
        },
      }),
    );
    const genuine = await handler(decisionEvent(revokeRef), lambdaContext());

    expect(forged.status).toBe('forged');
    expect(genuine.status).toBe('succeeded');
    expect(attachedTo(grant)).toEqual([]);
  });

  it('any forged detail about a real decision (generated) causes no IAM call, no record, no idempotency item, and a finding', async () => {
    const handler = provisionHandler();
    const grant = await approve(await pendingGrant());
    const { names } = h.tables;
    const detailTypes: DetailType[] = ['DecisionApproved', 'DecisionRevoked', 'DecisionExpired'];
    const statusOf = { DecisionApproved: 'approved', DecisionRevoked: 'revoked', DecisionExpired: 'expired' };
    const forgery = fc
      .record({
        detailType: fc.constantFrom(...detailTypes),
        version: fc.integer({ min: 1, max: 6 }),
        kind: fc.constantFrom('grant', 'break-glass', 'revoke', 'rotate', 'create-identity', 'exception'),
        identityKey: fc.constantFrom(grant.identityKey, 'role/someone-else', 'user/ci-deployer'),
        statusMismatch: fc.boolean(),
      })
      // The one detail that is the genuine event is not a forgery.
      .filter(
        (f) =>
          !(
            f.detailType === 'DecisionApproved' &&
            f.version === 2 &&
            f.kind === 'grant' &&
            f.identityKey === grant.identityKey &&
            !f.statusMismatch
          ),
      );

    await fc.assert(
      fc.asyncProperty(forgery, async (f) => {
        const before = {
          calls: h.iam.mock.calls().length,
          executions: await tableItems(names.executions),
          idempotency: await tableItems(names.idempotency),
        };
        const mismatch = f.detailType === 'DecisionApproved' ? 'revoked' : 'approved';
        const event = eventAbout(grant, f.detailType, f.version, {
          kind: f.kind,
          identityKey: f.identityKey,
          status: f.statusMismatch ? mismatch : statusOf[f.detailType],
        });

        const outcome = await handler(event, lambdaContext());

        expect(['forged', 'ignored']).toContain(outcome.status);
        expect(h.iam.mock.calls().length).toBe(before.calls);
        expect(await tableItems(names.executions)).toBe(before.executions);
        expect(await tableItems(names.idempotency)).toBe(before.idempotency);
        expect(await forgedFinding(grant, f.detailType, f.version)).toMatchObject({ status: 'open' });
      }),
      { numRuns: 40 },
    );
    // The genuine event still works after all of them.
    expect((await handler(eventAbout(grant, 'DecisionApproved', 2), lambdaContext())).status).toBe(
      'succeeded',
    );
    expect(attachedTo(grant)).toEqual([READ_ONLY]);
  });
});

/** Events the attacker may send about decision X at any moment, and the bus's genuine deliveries. */
const EVENT_NAMES = [
  'approved-copy', // DecisionApproved v2: genuine once approved, forged before
  'revoked-copy', // DecisionRevoked v3: genuine once revoked, forged before
  'approved-wrong-kind', // v2 approved, kind rotate: never executed by provision
  'approved-wrong-identity',
  'approved-next-version', // v3 approved: never true
  'expired', // v3 expired: never true here
] as const;
type EventName = (typeof EVENT_NAMES)[number];

function eventNamed(d: Decision, name: EventName) {
  switch (name) {
    case 'approved-copy':
      return eventAbout(d, 'DecisionApproved', 2);
    case 'revoked-copy':
      return eventAbout(d, 'DecisionRevoked', 3);
    case 'approved-wrong-kind':
      return eventAbout(d, 'DecisionApproved', 2, { kind: 'rotate' });
    case 'approved-wrong-identity':
      return eventAbout(d, 'DecisionApproved', 2, { identityKey: 'role/someone-else' });
    case 'approved-next-version':
      return eventAbout(d, 'DecisionApproved', 3);
    case 'expired':
      return eventAbout(d, 'DecisionExpired', 3);
  }
}

/** Errors after which Lambda delivers the event again (a concurrent duplicate, a retryable attempt). */
function retriedByLambda(error: unknown): boolean {
  const e = error as { name?: string; code?: string };
  return e?.name === 'IdempotencyAlreadyInProgressError' || e?.code === 'PROVISIONING_RETRY';
}

describe('provision: interleavings of genuine, forged and duplicated events (fast-check)', () => {
  const step = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EVENT_NAMES).map((e) => [e]) },
    // Concurrent deliveries: duplicates of one event or different events at once.
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...EVENT_NAMES), { minLength: 2, maxLength: 3 }) },
  );
  const scenario = fc.record({
    steps: fc.array(step, { minLength: 0, maxLength: 6 }),
    /** Where governance approves, and (if ever) revokes, among the steps. */
    approveAt: fc.nat(),
    revokeAfter: fc.option(fc.nat(), { nil: undefined }),
    /** Where the bus delivers the genuine events (at least once, after the change, maybe late). */
    approvedDeliveryAfter: fc.nat(),
    revokedDeliveryAfter: fc.nat(),
  });

  it('ends in the state the decision says, with one mutation at most each way and a finding for every refusal', async () => {
    const handler = provisionHandler();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        // Arrange: a schedule of batches with the governance changes and genuine deliveries in it.
        let grant = await pendingGrant();
        type Batch = { kind: 'approve' } | { kind: 'revoke' } | { kind: 'deliver'; events: EventName[] };
        const batches: Batch[] = s.steps.map((events) => ({ kind: 'deliver', events: [...events] }));
        const approveAt = s.approveAt % (batches.length + 1);
        batches.splice(approveAt, 0, { kind: 'approve' });
        const insertAfter = (index: number, offset: number, batch: Batch) => {
          const at = index + 1 + (offset % (batches.length - index));
          batches.splice(at, 0, batch);
          return at;
        };
        insertAfter(approveAt, s.approvedDeliveryAfter, { kind: 'deliver', events: ['approved-copy'] });
        if (s.revokeAfter !== undefined) {
          const revokeAt = insertAfter(approveAt, s.revokeAfter, { kind: 'revoke' });
          insertAfter(revokeAt, s.revokedDeliveryAfter, { kind: 'deliver', events: ['revoked-copy'] });
        }

        // Act: run the schedule; events Lambda would retry are delivered again at the end.
        const refused: { detailType: string; version: number }[] = [];
        let retries: EventName[] = [];
        const deliver = async (names: EventName[]) => {
          const results = await Promise.allSettled(
            names.map((n) => handler(eventNamed(grant, n), lambdaContext())),
          );
          results.forEach((r, i) => {
            const name = names[i] as EventName;
            if (r.status === 'rejected') {
              if (!retriedByLambda(r.reason)) throw r.reason;
              retries.push(name);
            } else if (r.value.status === 'forged' || r.value.status === 'ignored') {
              const e = eventNamed(grant, name);
              refused.push({ detailType: e['detail-type'], version: Number(e.detail.version) });
            }
          });
        };
        for (const b of batches) {
          if (b.kind === 'approve') grant = await approve(grant);
          else if (b.kind === 'revoke') grant = await revoke(grant);
          else await deliver(b.events);
        }
        for (let round = 0; round < 5 && retries.length > 0; round++) {
          const again = retries;
          retries = [];
          await deliver(again);
        }

        // Assert
        expect(retries).toEqual([]);
        expect(attachedTo(grant)).toEqual(grant.status === 'approved' ? [READ_ONLY] : []);
        expect(mutationsOn(grant, 'AttachRolePolicy')).toBeLessThanOrEqual(1);
        expect(mutationsOn(grant, 'DetachRolePolicy')).toBeLessThanOrEqual(1);
        for (const r of refused) {
          expect(await forgedFinding(grant, r.detailType, r.version)).toMatchObject({ status: 'open' });
        }
        expect(await h.findings.listByStatus('open', 'provisioning-failed')).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});

describe('rotate: a refused rotate event is never remembered as an outcome', () => {
  const ROTATE_FN = 'arn:aws:lambda:us-east-1:111122223333:function:nhi-gov-rotate';

  function rotateHandler() {
    const vault = new SecretsManagerVault(
      new SecretsManagerClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 't', secretAccessKey: 't' },
      }),
    );
    const clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };
    return rotateModule.buildHandler({
      rotation: { handle: async () => ({ step: 'createSecret', secretId: 'unused', done: [] }) },
      retireKey: {
        handle: async () => {
          throw new Error('no key-retirement event is sent in this file');
        },
      },
      onDemand: new RotateOnDecision({
        decisions: h.decisions,
        trail: new DynamoExecutionTrail(h.tables.doc, h.tables.names.executions),
        findings: h.findings,
        vault,
        clock,
        sleep: async () => undefined,
        config: {
          secretPrefix: 'nhi-gov/',
          executor: 'arn:aws:iam::111122223333:role/nhi-gov/nhi-gov-rotate',
          callRetry: { attempts: 3, baseDelayMs: 0 },
          maxInvocationAttempts: 3,
          inProgressWait: { attempts: 2, delayMs: 0 },
        },
      }),
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: h.tables.names.idempotency,
        awsSdkV3Client: h.tables.client,
      }),
      observability: observability('forged-rotate-test'),
    });
  }

  function rotateDecision(status: Decision['status'], version: number): Decision {
    return approved({
      status,
      version,
      kind: 'rotate',
      identityKey: 'user/ci-deployer',
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'the key leaked into a build log',
      },
    });
  }

  it('forged or ignored rotate events before the genuine one (generated) never stop the genuine rotation', async () => {
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const context = { ...lambdaContext(), invokedFunctionArn: ROTATE_FN };
    const forgery = fc.array(
      fc.record({
        version: fc.constantFrom(1, 2, 3),
        kind: fc.constantFrom('rotate', 'grant', 'revoke'),
        identityKey: fc.constantFrom('user/ci-deployer', 'user/other'),
      }),
      { minLength: 1, maxLength: 4 },
    );
    try {
      await fc.assert(
        fc.asyncProperty(forgery, async (forged) => {
          // Arrange: a pending rotate decision, a secret holding the user's key.
          const handler = rotateHandler();
          const pending = rotateDecision('pending', 1);
          await h.decisions.create(pending);
          h.iam.addUser({ name: 'ci-deployer', keys: [{}] });
          const key = h.iam.users.get('ci-deployer')?.keys[0];
          h.sm.addSecret(
            'nhi-gov/ci-deployer',
            { userName: 'ci-deployer', accessKeyId: key?.accessKeyId, secretAccessKey: key?.secretAccessKey },
            { rotationLambdaArn: ROTATE_FN },
          );
          h.sm.rotations.length = 0;
          // Act: forgeries while pending, then the approval, then the genuine event.
          const outcomes = [];
          for (const f of forged) {
            outcomes.push(
              await handler(
                decisionEvent(
                  { ...pending, version: f.version, kind: f.kind as Decision['kind'] },
                  'DecisionApproved',
                  {
                    identityKey: f.identityKey,
                  },
                ),
                context,
              ),
            );
          }
          const decided = rotateDecision('approved', 2);
          await h.decisions.update({ ...decided, id: pending.id }, 1);
          const genuine = await handler(decisionEvent({ ...decided, id: pending.id }), context);
          // Assert
          expect(outcomes.map((o) => ('status' in o ? o.status : 'step'))).toEqual(
            outcomes.map((o) => ('status' in o && o.status === 'ignored' ? 'ignored' : 'forged')),
          );
          for (const f of forged) {
            expect(await forgedFinding(pending, 'DecisionApproved', f.version)).toMatchObject({
              source: 'rotation',
            });
          }
          expect(genuine).toMatchObject({ status: 'started', token: rotationToken(pending.id, 2) });
          expect(h.sm.rotations).toHaveLength(1);
        }),
        { numRuns: 15 },
      );
    } finally {
      events.restore();
    }
  });
});
