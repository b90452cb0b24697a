/**
 * Issue #15, defence in depth: an executor acts in its own account only. The attacker administers
 * one member account (or can put events on a member bus, or invoke an executor) and names a decision
 * of another account: in the event's `accountId`, in the decision id (`<account>-<id>`), or a decision
 * whose stored `accountId` is another's. Each is refused with a forged-event finding, before anything
 * is written in IAM, Secrets Manager, the trail or idempotency; and a refusal never makes the genuine
 * event of the right account a no-op. Real handlers on DynamoDB Local, stateful IAM / Secrets
 * Manager fakes.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { observability } from '../../functions/shared/observability.js';
import { DynamoExecutionTrail } from '../../lib/adapters/dynamodb/execution-trail.js';
import { SecretsManagerVault } from '../../lib/adapters/secrets-manager/secret-vault.js';
import type { Decision } from '../../lib/domain/decision.js';
import { findingId } from '../../lib/domain/finding.js';
import { RotateOnDecision } from '../../lib/domain/rotation/on-demand.js';
import {
  approved,
  BOUNDARY,
  decisionEvent,
  type Harness,
  harness,
  lambdaContext,
  READ_ONLY,
} from '../integration/provisioning/harness.js';
import { newTestId } from '../support/builders.js';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('../integration/provisioning/env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const provisionModule = await import('../../functions/provision/handler.js');
const rotateModule = await import('../../functions/rotate/handler.js');

/** The member account the executors run in (HANDLER_ENV.ACCOUNT_ID). */
const MINE = '111122223333';
const ROTATE_FN = `arn:aws:lambda:us-east-1:${MINE}:function:nhi-gov-rotate`;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.restore());

// Accounts that differ from MINE by as little as possible: one digit, a shifted prefix, all 1s.
const otherAccount = fc
  .oneof(
    fc.array(fc.constantFrom('1', '2', '3'), { minLength: 12, maxLength: 12 }).map((d) => d.join('')),
    fc.nat({ max: 11 }).map((i) => `${MINE.slice(0, i)}${MINE[i] === '9' ? '0' : '9'}${MINE.slice(i + 1)}`),
  )
  .filter((a) => a !== MINE);

/** Where the forgery names the other account. */
const how = fc.constantFrom('event accountId', 'decision id', 'stored accountId', 'all three');

async function tableItems(table: string): Promise<number> {
  return (await h.tables.doc.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
}

/** An approved grant on a fresh bounded role, stored as the forgery needs it. */
async function storedGrant(other: string, where: string): Promise<{ decision: Decision; event: unknown }> {
  const role = `r-${newTestId()}`;
  h.iam.addRole({ name: role, boundary: BOUNDARY });
  const idNames = where === 'decision id' || where === 'all three';
  const storedNames = where === 'stored accountId' || where === 'all three';
  const eventNames = where === 'event accountId' || where === 'all three';
  const decision = approved({
    id: idNames ? `${other}-${newTestId()}` : newTestId(),
    identityKey: `role/${role}`,
    ...(storedNames ? { accountId: other } : {}),
    request: {
      kind: 'grant',
      identity: { type: 'role', name: role },
      entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
      justification: 'nightly reconciliation job reads the ledger',
      owner: 'team-payments',
    },
  });
  await h.decisions.create(decision);
  const event = decisionEvent(decision, 'DecisionApproved', eventNames ? { accountId: other } : {});
  return { decision, event };
}

const forgedFinding = (d: Pick<Decision, 'id'>) =>
  h.findings.get(findingId('forged-event', `decision/${d.id}`, 'DecisionApproved:2'));

describe('provision refuses a decision of another account (fast-check)', () => {
  const handler = () =>
    provisionModule.buildHandler({
      provision: h.provision({ account: MINE }),
      persistenceStore: h.persistence,
      observability: observability('other-account-test'),
    });

  it('refuses every forgery naming another account, writes nothing in IAM, the trail or idempotency, and leaves a finding', async () => {
    await fc.assert(
      fc.asyncProperty(otherAccount, how, async (other, where) => {
        // Arrange
        const { decision, event } = await storedGrant(other, where);
        const iamCalls = h.iam.applied.length;
        const [trail, idempotency] = await Promise.all([
          tableItems(h.tables.names.executions),
          tableItems(h.tables.names.idempotency),
        ]);
        // Act
        const outcome = await handler()(event, lambdaContext());
        // Assert: refused, named, nothing written but the finding.
        expect(outcome).toMatchObject({
          status: 'forged',
          reason: expect.stringContaining(`acts in account ${other}`),
        });
        expect(h.iam.applied.length).toBe(iamCalls);
        expect(h.iam.roles.get(decision.identityKey.slice(5))?.attached ?? []).toEqual([]);
        expect(await tableItems(h.tables.names.executions)).toBe(trail);
        expect(await tableItems(h.tables.names.idempotency)).toBe(idempotency);
        expect(await forgedFinding(decision)).toMatchObject({
          status: 'open',
          source: 'provisioning',
          evidence: expect.objectContaining({ executorAccount: MINE, actedOn: false }),
        });
      }),
      { numRuns: 8 },
    );
  });

  it('is not poisoned by the forgery: the genuine event of its own decision still provisions', async () => {
    // Arrange: a decision of MINE; first a copy of its event claiming another account.
    const role = `r-${newTestId()}`;
    h.iam.addRole({ name: role, boundary: BOUNDARY });
    const decision = approved({
      id: `${MINE}-${newTestId()}`,
      accountId: MINE,
      identityKey: `role/${role}`,
      request: {
        kind: 'grant',
        identity: { type: 'role', name: role },
        entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
        justification: 'nightly reconciliation job reads the ledger',
        owner: 'team-payments',
      },
    });
    await h.decisions.create(decision);
    const run = handler();
    // Act
    const forged = await run(
      decisionEvent(decision, 'DecisionApproved', { accountId: '999999999999' }),
      lambdaContext(),
    );
    const genuine = await run(
      decisionEvent(decision, 'DecisionApproved', { accountId: MINE }),
      lambdaContext(),
    );
    // Assert
    expect(forged.status).toBe('forged');
    expect(genuine.status).toBe('succeeded');
    expect(h.iam.roles.get(role)?.attached).toEqual([READ_ONLY]);
  });
});

describe('rotate refuses a rotate decision of another account (fast-check)', () => {
  const handler = () =>
    rotateModule.buildHandler({
      rotation: { handle: async () => ({ step: 'createSecret', secretId: 'unused', done: [] }) },
      retireKey: {
        handle: async () => {
          throw new Error('no key-retirement event is sent in this file');
        },
      },
      onDemand: new RotateOnDecision({
        account: MINE,
        decisions: h.decisions,
        trail: new DynamoExecutionTrail(h.tables.doc, h.tables.names.executions),
        findings: h.findings,
        vault: new SecretsManagerVault(
          new SecretsManagerClient({
            region: 'us-east-1',
            credentials: { accessKeyId: 't', secretAccessKey: 't' },
          }),
        ),
        clock: { now: () => new Date('2026-03-01T10:00:00.000Z') },
        sleep: async () => undefined,
        config: {
          secretPrefix: 'nhi-gov/',
          executor: `arn:aws:iam::${MINE}:role/nhi-gov/nhi-gov-rotate`,
          callRetry: { attempts: 3, baseDelayMs: 0 },
          maxInvocationAttempts: 3,
          inProgressWait: { attempts: 2, delayMs: 0 },
        },
      }),
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: h.tables.names.idempotency,
        awsSdkV3Client: h.tables.client,
      }),
      observability: observability('other-account-rotate-test'),
    });

  it('starts no rotation and writes no secret for a decision naming another account', async () => {
    await fc.assert(
      fc.asyncProperty(otherAccount, how, async (other, where) => {
        // Arrange: the user and its key secret exist in this account.
        const user = `u-${newTestId()}`;
        h.iam.addUser({ name: user, keys: [{}] });
        const key = h.iam.users.get(user)?.keys[0];
        h.sm.addSecret(
          `nhi-gov/${user}`,
          { userName: user, accessKeyId: key?.accessKeyId, secretAccessKey: key?.secretAccessKey },
          { rotationLambdaArn: ROTATE_FN },
        );
        const idNames = where === 'decision id' || where === 'all three';
        const decision = approved({
          id: idNames ? `${other}-${newTestId()}` : newTestId(),
          kind: 'rotate',
          identityKey: `user/${user}`,
          ...(where === 'stored accountId' || where === 'all three' ? { accountId: other } : {}),
          request: {
            kind: 'rotate',
            identity: { type: 'user', name: user },
            justification: 'the key leaked',
          },
        });
        await h.decisions.create(decision);
        const event = decisionEvent(
          decision,
          'DecisionApproved',
          where === 'event accountId' || where === 'all three' ? { accountId: other } : {},
        );
        const calls = h.sm.callNames().length;
        const rotations = h.sm.rotations.length;
        // Act
        const outcome = await handler()(event, { ...lambdaContext(), invokedFunctionArn: ROTATE_FN });
        // Assert
        expect(outcome).toMatchObject({ status: 'forged' });
        expect(h.sm.rotations.length).toBe(rotations);
        expect(
          h.sm
            .callNames()
            .slice(calls)
            .filter((c) => !c.startsWith('Describe') && !c.startsWith('Get')),
        ).toEqual([]);
        expect(await forgedFinding(decision)).toMatchObject({ status: 'open', source: 'rotation' });
      }),
      { numRuns: 8 },
    );
  });
});
