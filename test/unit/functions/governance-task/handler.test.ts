import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SfnTaskCallback } from '../../../../lib/adapters/sfn/task-callback.js';
import { diff, type Harness, harness, snapshot } from '../../../integration/governance/harness.js';
import { BOB, CAROL } from '../../../support/builders.js';
import { defaultPolicyJsonFile } from '../../../support/policy.js';
import { fakeStepFunctions } from './sfn-fake.js';

vi.hoisted(() => {
  process.env.DECISIONS_TABLE_NAME = 'unused-by-these-tests';
  process.env.TASK_REQUESTER_ARNS = 'arn:aws:iam::111122223333:role/payments-workflow-sm';
  process.env.POWERTOOLS_DEV = 'true';
});
// Deployed functions read the policy as JSON, written from the YAML file at synth time.
process.env.POLICY_FILE = defaultPolicyJsonFile();
const task = await import('../../../../functions/governance-task/handler.js');
const callback = await import('../../../../functions/governance-callback/handler.js');
const taskWiring = await import('../../../../functions/governance-task/wiring.js');

const STATE_MACHINE_ROLE = 'arn:aws:iam::111122223333:role/payments-workflow-sm';
const grant = {
  kind: 'grant',
  identity: { type: 'role', name: 'payments-batch' },
  entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  justification: 'nightly reconciliation job reads the ledger',
  owner: 'team-payments',
};
const decisionEvent = (decisionId: string, status: string, version: number) => ({
  id: 'evt-1',
  source: 'nhi-gov',
  account: '111122223333',
  'detail-type': `Decision${status[0]?.toUpperCase()}${status.slice(1)}`,
  detail: {
    schemaVersion: '1',
    decisionId,
    version: String(version),
    kind: 'grant',
    status,
    identityKey: 'role/payments-batch',
  },
});

let h: Harness;
let sfn: ReturnType<typeof fakeStepFunctions>;
let submitTask: ReturnType<typeof task.buildHandler>;
let answer: ReturnType<typeof callback.buildHandler>;
beforeEach(async () => {
  h = await harness();
  sfn = fakeStepFunctions();
  const cb = new SfnTaskCallback(sfn.client);
  submitTask = task.buildHandler({ governance: h.gov, callback: cb, requesterArns: [STATE_MACHINE_ROLE] });
  answer = callback.buildHandler({ governance: h.gov, callback: cb });
});

describe('governance-task and governance-callback (Step Functions)', () => {
  it('exports middy handlers built from the environment', () => {
    expect(typeof task.handler).toBe('function');
    expect(typeof callback.handler).toBe('function');
  });

  it('submits as the state machine role, stores the token, and answers SendTaskSuccess once the decision is approved', async () => {
    // Arrange
    sfn.wait('token-1');
    // Act: submit, and a retried invocation of the same task
    const first = await submitTask({ taskToken: 'token-1', request: grant, requester: STATE_MACHINE_ROLE });
    const retry = await submitTask({ taskToken: 'token-1', request: grant, requester: STATE_MACHINE_ROLE });
    // Assert: one pending decision, requested by the state machine role, holding the token
    expect(retry).toEqual(first);
    if (!('decisionId' in first)) throw new Error('expected a decision');
    const stored = await h.decisions.get(first.decisionId, { consistent: true });
    expect(stored).toMatchObject({
      status: 'pending',
      requester: STATE_MACHINE_ROLE,
      source: 'step-functions',
      taskToken: 'token-1',
    });
    expect(await h.decisions.listByIdentity('role/payments-batch')).toHaveLength(1);
    expect(sfn.mock).not.toHaveReceivedAnyCommand();

    // Act: approved, then the DecisionApproved event arrives (twice)
    const approved = await h.gov.approve({ id: first.decisionId, actor: BOB });
    const result = await answer(decisionEvent(first.decisionId, 'approved', approved.version));
    const replay = await answer(decisionEvent(first.decisionId, 'approved', approved.version));

    // Assert
    expect(result).toEqual({ answered: 'success', answer: 'sent', decisionId: first.decisionId });
    expect(replay).toEqual({ skipped: `decision ${first.decisionId} has no waiting workflow` });
    expect(sfn.mock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn.tasks.get('token-1')).toMatchObject({
      status: 'succeeded',
      output: { id: first.decisionId, status: 'approved' },
    });
    expect(JSON.stringify(sfn.tasks.get('token-1')?.output)).not.toContain('token-1');
    const after = await h.decisions.get(first.decisionId, { consistent: true });
    expect(after?.taskToken).toBeUndefined();
    expect(after?.version).toBe(approved.version);
  });

  it('answers SendTaskFailure when the decision is rejected', async () => {
    sfn.wait('token-2');
    const submitted = await submitTask({
      taskToken: 'token-2',
      request: grant,
      requester: STATE_MACHINE_ROLE,
    });
    if (!('decisionId' in submitted)) throw new Error('expected a decision');
    const rejected = await h.gov.reject({ id: submitted.decisionId, actor: CAROL, note: 'use the replica' });
    await answer(decisionEvent(submitted.decisionId, 'rejected', rejected.version));
    expect(sfn.tasks.get('token-2')).toEqual({
      status: 'failed',
      error: 'DecisionRejected',
      cause: `decision ${submitted.decisionId} was rejected: use the replica`,
    });
  });

  it('fails the task at once with the error code when the request is refused, writing only the denied attempt', async () => {
    sfn.wait('token-3');
    const before = await snapshot(h.tables);
    const result = await submitTask({
      taskToken: 'token-3',
      request: {
        ...grant,
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' },
      },
      requester: STATE_MACHINE_ROLE,
    });
    expect(result).toMatchObject({ refused: 'POLICY_DENIED' });
    expect(sfn.tasks.get('token-3')).toMatchObject({ status: 'failed', error: 'POLICY_DENIED' });
    expect(diff(before, await snapshot(h.tables)).added.map((i) => i.entity)).toEqual(['denied-attempt']);

    sfn.wait('token-4');
    const invalid = await submitTask({
      taskToken: 'token-4',
      request: { kind: 'grant' },
      requester: STATE_MACHINE_ROLE,
    });
    expect(invalid).toMatchObject({ refused: 'VALIDATION_FAILED' });
    expect(sfn.tasks.get('token-4')?.cause).toMatch(/identity/);
  });

  it('treats a token Step Functions reports as timed out as answered, and clears it', async () => {
    sfn.wait('token-5');
    const submitted = await submitTask({
      taskToken: 'token-5',
      request: grant,
      requester: STATE_MACHINE_ROLE,
    });
    if (!('decisionId' in submitted)) throw new Error('expected a decision');
    sfn.tasks.set('token-5', { status: 'timed-out' });
    const approved = await h.gov.approve({ id: submitted.decisionId, actor: BOB });
    const result = await answer(decisionEvent(submitted.decisionId, 'approved', approved.version));
    expect(result).toMatchObject({ answered: 'success', answer: 'gone' });
    expect((await h.decisions.get(submitted.decisionId, { consistent: true }))?.taskToken).toBeUndefined();
  });

  it('refuses a direct invoke naming another requester: files nothing and fails the task', async () => {
    // Arrange: someone with lambda:InvokeFunction claims to be an on-call role asking for break-glass
    sfn.wait('token-7');
    const before = await snapshot(h.tables);
    // Act
    const result = await submitTask({
      taskToken: 'token-7',
      request: {
        kind: 'break-glass',
        identity: { type: 'role', name: 'payments-batch' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
        durationMinutes: 60,
        justification: 'production outage, payments are failing for everyone',
        owner: 'team-payments',
      },
      requester: 'arn:aws:iam::111122223333:role/oncall-primary',
    });
    // Assert: refused, the task failed with the reason, and not one item written (not even evidence)
    expect(result).toMatchObject({ refused: 'FORBIDDEN' });
    expect(sfn.tasks.get('token-7')).toMatchObject({ status: 'failed', error: 'FORBIDDEN' });
    expect(sfn.tasks.get('token-7')?.cause).toMatch(/oncall-primary.*TASK_REQUESTER_ARNS/);
    expect(await snapshot(h.tables)).toEqual(before);
    expect(before).toEqual([]);
    expect(await h.decisions.listByIdentity('role/payments-batch')).toEqual([]);
  });

  it('accepts a session of a listed workflow role (compared canonically)', async () => {
    sfn.wait('token-8');
    const session = 'arn:aws:sts::111122223333:assumed-role/payments-workflow-sm/execution-1';
    const result = await submitTask({ taskToken: 'token-8', request: grant, requester: session });
    expect(result).toMatchObject({ status: 'pending' });
    expect(await h.decisions.listByIdentity('role/payments-batch')).toHaveLength(1);
    expect(sfn.mock).not.toHaveReceivedAnyCommand();
  });

  it('reads TASK_REQUESTER_ARNS (comma-separated) and fails at cold start without it', () => {
    expect(
      taskWiring.taskRequesterArns({
        TASK_REQUESTER_ARNS: `${STATE_MACHINE_ROLE}, arn:aws:iam::111122223333:role/other-sm`,
      }),
    ).toEqual([STATE_MACHINE_ROLE, 'arn:aws:iam::111122223333:role/other-sm']);
    expect(() => taskWiring.taskRequesterArns({})).toThrow(/TASK_REQUESTER_ARNS is not set/);
    expect(() => taskWiring.taskRequesterArns({ TASK_REQUESTER_ARNS: ' , ' })).toThrow(/at least one ARN/);
    expect(() => taskWiring.taskRequesterArns({ TASK_REQUESTER_ARNS: 'everyone' })).toThrow(/principal ARNs/);
  });

  it('answers an auto-approved request (routine rotation) on its DecisionApproved event', async () => {
    sfn.wait('token-6');
    const submitted = await submitTask({
      taskToken: 'token-6',
      request: {
        kind: 'rotate',
        identity: { type: 'user', name: 'ci-deployer' },
        justification: 'quarterly key rotation',
      },
      requester: STATE_MACHINE_ROLE,
    });
    expect(submitted).toMatchObject({ status: 'approved' });
    if (!('decisionId' in submitted)) throw new Error('expected a decision');
    await answer(decisionEvent(submitted.decisionId, 'approved', 2));
    expect(sfn.mock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-6' });
    expect(sfn.mock).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });
});
