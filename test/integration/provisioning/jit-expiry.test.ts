/**
 * Issue #18 point 3: time-bound access always has its end in place. The revoke schedule of a JIT
 * grant is created before the policy is attached, and removed only after the policy is detached, so
 * under throttling or a permanent failure of EventBridge Scheduler there is never a moment when the
 * access exists without its scheduled end. The IAM and Scheduler fakes write one shared timeline; the
 * assertions replay it.
 */
import {
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../../functions/shared/observability.js';
import { DynamoCampaignStore } from '../../../lib/adapters/dynamodb/campaign-store.js';
import { ulidGenerator } from '../../../lib/adapters/system.js';
import { loadPolicyFile } from '../../../lib/config/policy-file.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { RevokeRequestedDetail } from '../../../lib/domain/events.js';
import { createGovernance } from '../../../lib/domain/governance/index.js';
import { revokeScheduleName } from '../../../lib/domain/provisioning/schedule.js';
import { ALICE, BOB, newTestId } from '../../support/builders.js';
import { movableClock } from '../governance/harness.js';
import {
  approved,
  BOUNDARY,
  decisionEvent,
  type Harness,
  harness,
  lambdaContext,
  READ_ONLY,
} from './harness.js';

vi.hoisted(async () => {
  const { HANDLER_ENV } = await import('./env.js');
  Object.assign(process.env, HANDLER_ENV);
});
const { buildHandler } = await import('../../../functions/provision/handler.js');

const meta = { $metadata: {} };
const FAULTS = {
  throttled: () => new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', ...meta }),
  quota: () =>
    new ServiceQuotaExceededException({
      message: 'Schedules per account quota reached',
      Message: 'Schedules per account quota reached',
      ...meta,
    }),
  invalid: () => new ValidationException({ message: 'Invalid request', Message: 'Invalid request', ...meta }),
} as const;
type Fault = keyof typeof FAULTS;

let h: Harness;
/** Every mutation that took effect, in order, across IAM and Scheduler. */
let timeline: { command: string; target: string }[];

beforeEach(async () => {
  h = await harness();
  timeline = [];
  h.iam.onApplied = (command, input) =>
    timeline.push({ command, target: `${String(input.RoleName)}:${String(input.PolicyArn)}` });
  h.scheduler.onApplied = (command, key) => timeline.push({ command, target: key });
});
afterEach(() => h.restore());

function handlerFor() {
  return buildHandler({
    provision: h.provision(),
    persistenceStore: h.persistence,
    observability: observability('jit-test'),
  });
}

const scheduleKey = (grant: Pick<Decision, 'id'>) => `nhi-gov-jit/${revokeScheduleName(grant.id)}`;

/**
 * Replays the timeline and returns every moment at which the grant's policy was attached while its
 * revoke schedule did not exist. Starts from the given state.
 */
function momentsWithoutEnd(
  grant: Decision,
  start: { attached: boolean; scheduled: boolean } = { attached: false, scheduled: false },
): number[] {
  const role = grant.identityKey.slice('role/'.length);
  let { attached, scheduled } = start;
  const bad: number[] = [];
  timeline.forEach((e, i) => {
    if (e.command === 'AttachRolePolicy' && e.target === `${role}:${READ_ONLY}`) attached = true;
    if (e.command === 'DetachRolePolicy' && e.target === `${role}:${READ_ONLY}`) attached = false;
    if (e.command === 'CreateSchedule' && e.target === scheduleKey(grant)) scheduled = true;
    if (e.command === 'DeleteSchedule' && e.target === scheduleKey(grant)) scheduled = false;
    if (attached && !scheduled) bad.push(i);
  });
  return bad;
}

/** Delivers an event the way EventBridge and Lambda do: again after each retryable failure, 3 times at most. */
async function deliverWithRetries(event: unknown): Promise<'succeeded' | 'failed'> {
  const handler = handlerFor();
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await handler(event, lambdaContext());
      return 'succeeded';
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'PROVISIONING_FAILED') return 'failed';
      if (code !== 'PROVISIONING_RETRY') throw error;
    }
  }
  return 'failed';
}

function jitGrant(roleName: string): Decision {
  return approved({
    identityKey: `role/${roleName}`,
    expiresAt: '2026-03-01T18:00:00.000Z',
    request: {
      kind: 'grant',
      identity: { type: 'role', name: roleName },
      entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
      durationHours: 8,
      justification: 'investigating the ledger mismatch of ticket PAY-12',
      owner: 'team-payments',
    },
  });
}

describe('JIT grant: the revoke schedule is in place before the access', () => {
  it('leaves no access when CreateSchedule fails for good (a quota), and says so', async () => {
    // Arrange
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const grant = jitGrant('payments-batch');
    await h.decisions.create(grant);
    h.scheduler.faults.failNext('CreateSchedule', FAULTS.quota, 1);
    // Act
    const result = await deliverWithRetries(decisionEvent(grant));
    // Assert
    expect(result).toBe('failed');
    expect(h.iam.roles.get('payments-batch')?.attached).toEqual([]);
    expect(momentsWithoutEnd(grant)).toEqual([]);
    expect(await h.findings.listByStatus('open', 'provisioning-failed')).toEqual([
      expect.objectContaining({ title: expect.stringMatching(new RegExp(grant.id)) }),
    ]);
  });

  it('attaches only once the schedule exists, after CreateSchedule was throttled within and across deliveries', async () => {
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const grant = jitGrant('payments-batch');
    await h.decisions.create(grant);
    h.scheduler.faults.failNext('CreateSchedule', FAULTS.throttled, 4);

    const result = await deliverWithRetries(decisionEvent(grant));

    expect(result).toBe('succeeded');
    expect(timeline.map((e) => e.command)).toEqual(['CreateSchedule', 'AttachRolePolicy']);
    expect((await h.trail.listForDecision(grant.id)).map((r) => `${r.action}:${r.status}`)).toEqual([
      'schedule-revoke:failed',
      'schedule-revoke:succeeded',
      'attach-policy:succeeded',
      'complete:succeeded',
    ]);
  });

  it('never has the access without its scheduled end, whatever Scheduler and IAM do (generated faults)', async () => {
    const faults = fc.record({
      createSchedule: fc.record({
        times: fc.integer({ min: 0, max: 10 }),
        fault: fc.constantFrom<Fault>('throttled', 'quota', 'invalid'),
      }),
      attachThrottles: fc.integer({ min: 0, max: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(faults, async (f) => {
        // Arrange: a fresh role and grant per case.
        timeline = [];
        const role = `r-${newTestId()}`;
        h.iam.addRole({ name: role, boundary: BOUNDARY });
        const grant = jitGrant(role);
        await h.decisions.create(grant);
        h.scheduler.faults.failNext('CreateSchedule', FAULTS[f.createSchedule.fault], f.createSchedule.times);
        h.iam.faults.failNext('AttachRolePolicy', FAULTS.throttled, f.attachThrottles);
        // Act
        const result = await deliverWithRetries(decisionEvent(grant));
        // Drain what this case queued, so the next case starts clean.
        for (let i = 0; i < 20; i++) {
          try {
            h.scheduler.faults.check('CreateSchedule');
          } catch {}
          try {
            h.iam.faults.check('AttachRolePolicy');
          } catch {}
        }
        // Assert
        expect(momentsWithoutEnd(grant)).toEqual([]);
        const attached = h.iam.roles.get(role)?.attached.includes(READ_ONLY) ?? false;
        expect(attached).toBe(result === 'succeeded');
        if (attached) expect(h.scheduler.schedules.has(scheduleKey(grant))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});

describe('JIT grant revoked by hand: the access goes before its schedule', () => {
  async function provisionedJitGrant(role: string): Promise<Decision> {
    h.iam.addRole({ name: role, boundary: BOUNDARY });
    const grant = jitGrant(role);
    await h.decisions.create(grant);
    expect(await deliverWithRetries(decisionEvent(grant))).toBe('succeeded');
    const revoked: Decision = {
      ...grant,
      status: 'revoked',
      version: 3,
      updatedAt: '2026-03-01T09:59:50.000Z',
    };
    await h.decisions.update(revoked, 2);
    timeline = [];
    return revoked;
  }

  it('detaches, then deletes the schedule, after DeleteSchedule was throttled', async () => {
    const revoked = await provisionedJitGrant('payments-batch');
    h.scheduler.faults.failNext('DeleteSchedule', FAULTS.throttled, 4);

    const result = await deliverWithRetries(decisionEvent(revoked, 'DecisionRevoked'));

    expect(result).toBe('succeeded');
    expect(timeline.map((e) => e.command)).toEqual(['DetachRolePolicy', 'DeleteSchedule']);
    expect(h.scheduler.schedules.has(scheduleKey(revoked))).toBe(false);
  });

  it('keeps the schedule when the detach fails for good, so the access still ends at its expiry', async () => {
    const revoked = await provisionedJitGrant('payments-batch');
    h.iam.faults.failNext('DetachRolePolicy', FAULTS.throttled, 9);

    const result = await deliverWithRetries(decisionEvent(revoked, 'DecisionRevoked'));

    expect(result).toBe('failed');
    expect(h.iam.roles.get('payments-batch')?.attached).toEqual([READ_ONLY]);
    expect(h.scheduler.schedules.has(scheduleKey(revoked))).toBe(true);
    expect(momentsWithoutEnd(revoked, { attached: true, scheduled: true })).toEqual([]);
  });

  it('never has the access without its scheduled end while revoking (generated faults)', async () => {
    const faults = fc.record({
      deleteSchedule: fc.record({
        times: fc.integer({ min: 0, max: 10 }),
        fault: fc.constantFrom<Fault>('throttled', 'invalid'),
      }),
      detachThrottles: fc.integer({ min: 0, max: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(faults, async (f) => {
        const revoked = await provisionedJitGrant(`r-${newTestId()}`);
        const role = revoked.identityKey.slice('role/'.length);
        h.scheduler.faults.failNext('DeleteSchedule', FAULTS[f.deleteSchedule.fault], f.deleteSchedule.times);
        h.iam.faults.failNext('DetachRolePolicy', FAULTS.throttled, f.detachThrottles);

        await deliverWithRetries(decisionEvent(revoked, 'DecisionRevoked'));
        for (let i = 0; i < 20; i++) {
          try {
            h.scheduler.faults.check('DeleteSchedule');
          } catch {}
          try {
            h.iam.faults.check('DetachRolePolicy');
          } catch {}
        }

        expect(momentsWithoutEnd(revoked, { attached: true, scheduled: true })).toEqual([]);
        if (h.iam.roles.get(role)?.attached.includes(READ_ONLY)) {
          expect(h.scheduler.schedules.has(scheduleKey(revoked))).toBe(true);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('a schedule that fires after a manual revoke (its DeleteSchedule failed for good) files nothing and changes nothing', async () => {
    // Arrange: governance and provision on the same tables; a 4-hour grant approved and provisioned.
    const clock = movableClock('2026-03-01T10:00:00.000Z');
    const gov = createGovernance({
      decisions: h.decisions,
      campaigns: new DynamoCampaignStore(h.tables.doc, h.tables.names.decisions),
      policy: loadPolicyFile(),
      clock,
      ids: ulidGenerator,
    });
    h.iam.addRole({ name: 'payments-batch', boundary: BOUNDARY });
    const submitted = await gov.submit({
      request: {
        kind: 'grant',
        identity: { type: 'role', name: 'payments-batch' },
        entitlement: { type: 'managed-policy', policyArn: READ_ONLY },
        durationHours: 4,
        justification: 'investigating the ledger mismatch of ticket PAY-12',
        owner: 'team-payments',
      },
      requester: ALICE,
      source: 'api',
    });
    const grant = await gov.approve({ id: submitted.id, actor: BOB });
    expect(await deliverWithRetries(decisionEvent(grant))).toBe('succeeded');
    const schedule = h.scheduler.schedules.get(scheduleKey(grant));
    // The owner's lead revokes it by hand; DeleteSchedule fails for good, so the schedule stays.
    const revoked = await gov.revoke({ id: grant.id, actor: ALICE, note: 'done early' });
    h.scheduler.faults.failNext('DeleteSchedule', FAULTS.invalid, 1);
    expect(await deliverWithRetries(decisionEvent(revoked, 'DecisionRevoked'))).toBe('failed');
    expect(h.iam.roles.get('payments-batch')?.attached).toEqual([]);
    const before = {
      decisions: await h.decisions.listByIdentity(grant.identityKey),
      applied: h.iam.applied.length,
    };
    // Act: the expiry comes and the leftover schedule puts its RevokeRequested on the bus.
    clock.set('2026-03-01T14:01:00.000Z');
    h.setNow('2026-03-01T14:01:00.000Z');
    const filed = await gov.fileSystemRevoke(RevokeRequestedDetail.parse(JSON.parse(schedule?.Target.Input)));
    // Assert: nothing new in governance, nothing in IAM; the grant stays revoked.
    expect(filed).toBeUndefined();
    expect(await h.decisions.listByIdentity(grant.identityKey)).toEqual(before.decisions);
    expect(h.iam.applied.length).toBe(before.applied);
    expect((await h.decisions.get(grant.id, { consistent: true }))?.status).toBe('revoked');
  });
});
