import { marshall } from '@aws-sdk/util-dynamodb';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PIPE_SPECS, type PipeSpec } from '../../infra/constructs/event-pipes.js';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { decisionItem } from '../../lib/adapters/dynamodb/decision-store.js';
import { executionSortKey } from '../../lib/adapters/dynamodb/execution-trail.js';
import { findingItem } from '../../lib/adapters/dynamodb/finding-store.js';
import { matchesPattern } from '../../lib/adapters/local-bus/event-pattern.js';
import { renderPipeTemplate } from '../../lib/adapters/local-bus/pipe-template.js';
import { type DetailType, EVENT_DETAIL_SCHEMAS } from '../../lib/domain/events.js';
import { aDecision, aFinding, anExecution } from '../support/builders.js';
import { synthSingle } from './support/synth.js';

/** A DynamoDB stream record as the pipe sees it. */
function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
  old?: Record<string, unknown>,
) {
  const clean = (o: Record<string, unknown>) =>
    marshall(o, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: clean({ pk: item.pk, sk: item.sk }),
      NewImage: clean(item),
      ...(old ? { OldImage: clean(old) } : {}),
    },
  };
}

const matches = (pattern: unknown, event: unknown) => matchesPattern(pattern, event);
const render = renderPipeTemplate;

const firing = (event: unknown) =>
  PIPE_SPECS.filter((spec) => spec.filters.some((f) => matches(f, event))).map((s) => s.detailType);

const pending = aDecision({ status: 'pending', version: 1 });
const approved = aDecision({ ...pending, status: 'approved', version: 2 });
const exceptionDecision = (status: 'approved' | 'expired', version: number) =>
  aDecision({ ...pending, kind: 'exception', status, version });

describe('event pipes: filters over stream records', () => {
  it('turns pending -> approved into exactly DecisionApproved, with a detail the zod schema accepts', () => {
    const event = record('MODIFY', decisionItem(approved), decisionItem(pending));
    expect(firing(event)).toEqual(['DecisionApproved']);
    const spec = PIPE_SPECS.find((s) => s.detailType === 'DecisionApproved') as PipeSpec;
    const detail = EVENT_DETAIL_SCHEMAS.DecisionApproved.parse(render(spec.inputTemplate, event));
    expect(detail).toEqual({
      schemaVersion: '1',
      decisionId: approved.id,
      version: 2,
      kind: approved.kind,
      status: 'approved',
      identityKey: approved.identityKey,
    });
  });

  it('emits DecisionApproved for an auto-approved decision (INSERT approved), nothing for a pending insert', () => {
    expect(firing(record('INSERT', decisionItem(aDecision({ status: 'approved', version: 1 }))))).toEqual([
      'DecisionApproved',
    ]);
    expect(firing(record('INSERT', decisionItem(pending)))).toEqual([]);
  });

  it('stays silent when a decision changes without changing status (a review of an approved break-glass)', () => {
    const reviewed = aDecision({ ...approved, version: 3, reviewedAt: approved.createdAt });
    expect(firing(record('MODIFY', decisionItem(reviewed), decisionItem(approved)))).toEqual([]);
  });

  it('emits one event per final status', () => {
    for (const [status, detailType] of [
      ['rejected', 'DecisionRejected'],
      ['cancelled', 'DecisionCancelled'],
    ] as const) {
      const next = aDecision({ ...pending, status, version: 2 });
      expect(firing(record('MODIFY', decisionItem(next), decisionItem(pending))), status).toEqual([
        detailType,
      ]);
    }
    const revoked = aDecision({ ...approved, status: 'revoked', version: 3 });
    expect(firing(record('MODIFY', decisionItem(revoked), decisionItem(approved)))).toEqual([
      'DecisionRevoked',
    ]);
  });

  it('emits DecisionExpired and ExceptionExpired when an approved exception expires', () => {
    const event = record(
      'MODIFY',
      decisionItem(exceptionDecision('expired', 3)),
      decisionItem(exceptionDecision('approved', 2)),
    );
    expect(firing(event).sort()).toEqual(['DecisionExpired', 'ExceptionExpired']);
    const spec = PIPE_SPECS.find((s) => s.detailType === 'ExceptionExpired') as PipeSpec;
    const detail = EVENT_DETAIL_SCHEMAS.ExceptionExpired.parse(render(spec.inputTemplate, event));
    expect(detail.decisionId).toBe(pending.id);
  });

  it('never dispatches a decision copied by the migration (INSERT with migratedFrom), in any status', () => {
    // Arrange: every status a migrated decision can arrive in, as scripts/migrate-to-hub.ts writes it.
    for (const status of ['pending', 'approved', 'rejected', 'cancelled', 'revoked', 'expired'] as const) {
      const copied = aDecision({ status, version: 2, kind: 'exception', migratedFrom: 'old-decision-01' });
      // Act / Assert: history is not a new decision; without the mark the same insert fires.
      expect(firing(record('INSERT', decisionItem(copied))), status).toEqual([]);
    }
    const { migratedFrom: _m, ...fresh } = aDecision({
      status: 'approved',
      version: 1,
      migratedFrom: 'old-decision-01',
    });
    expect(firing(record('INSERT', decisionItem(aDecision(fresh))))).toEqual(['DecisionApproved']);
  });

  it('still dispatches a later change of a migrated decision in the hub (its revoke, its expiry)', () => {
    // Arrange: a migrated grant, approved in the old deployment, revoked or expired in the hub.
    const migrated = aDecision({ ...approved, migratedFrom: 'old-decision-01' });
    const revoked = aDecision({ ...migrated, status: 'revoked', version: 3 });
    const expired = aDecision({ ...migrated, status: 'expired', version: 3 });
    // Act / Assert: a grant that never ends in IAM would be the unsafe way to fail.
    expect(firing(record('MODIFY', decisionItem(revoked), decisionItem(migrated)))).toEqual([
      'DecisionRevoked',
    ]);
    expect(firing(record('MODIFY', decisionItem(expired), decisionItem(migrated)))).toEqual([
      'DecisionExpired',
    ]);
  });

  it('stays silent when the key upgrade rewrites a decision with new index keys (same status)', () => {
    const old = { ...decisionItem(approved), gsi3pk: `IDENTITY#${approved.identityKey}` };
    const rekeyed = decisionItem(aDecision({ ...approved, accountId: '111122223333' }));
    expect(firing(record('MODIFY', rekeyed, old))).toEqual([]);
  });

  it('ignores the other items of the decisions table (approvals, denied attempts)', () => {
    const approval = {
      pk: `DECISION#${approved.id}`,
      sk: 'APPROVAL#arn:aws:iam::1:role/x',
      status: 'approved',
      id: approved.id,
    };
    expect(firing(record('INSERT', approval))).toEqual([]);
  });

  it('turns the complete execution record into AccessProvisioned / AccessProvisioningFailed, other steps into nothing', () => {
    const item = (status: 'succeeded' | 'failed', action: string, step: number) => {
      const e = anExecution({ status, action, step });
      return { pk: `DECISION#${e.decisionId}`, sk: executionSortKey(e), ...e };
    };
    expect(firing(record('INSERT', item('succeeded', 'attach-policy', 0)))).toEqual([]);
    for (const [status, detailType] of [
      ['succeeded', 'AccessProvisioned'],
      ['failed', 'AccessProvisioningFailed'],
    ] as const) {
      const event = record('INSERT', item(status, 'complete', 1));
      expect(firing(event)).toEqual([detailType]);
      const spec = PIPE_SPECS.find((s) => s.detailType === detailType) as PipeSpec;
      const detail = EVENT_DETAIL_SCHEMAS[detailType].parse(render(spec.inputTemplate, event));
      expect(detail.status).toBe(status);
    }
  });

  it('emits FindingOpened when a finding opens and FindingResolved when it resolves, not on a re-seen open finding', () => {
    const open = aFinding({ status: 'open' });
    const seenAgain = aFinding({
      ...open,
      lastSeen: new Date(Date.parse(open.lastSeen) + 1000).toISOString(),
    });
    const resolvedAt = new Date(Date.parse(open.lastSeen) + 86_400_000).toISOString();
    const resolved = aFinding({ ...open, status: 'resolved', resolvedAt });
    const opened = record('INSERT', findingItem(open));
    expect(firing(opened)).toEqual(['FindingOpened']);
    expect(firing(record('MODIFY', findingItem(seenAgain), findingItem(open)))).toEqual([]);
    const resolving = record('MODIFY', findingItem(resolved), findingItem(open));
    expect(firing(resolving)).toEqual(['FindingResolved']);
    for (const [event, detailType] of [
      [opened, 'FindingOpened'],
      [resolving, 'FindingResolved'],
    ] as const) {
      const spec = PIPE_SPECS.find((s) => s.detailType === detailType) as PipeSpec;
      const detail = EVENT_DETAIL_SCHEMAS[detailType].parse(render(spec.inputTemplate, event));
      expect(detail.findingId).toBe(open.id);
      // When the status took hold by the scan's clock: the hub orders a finding's events by it.
      expect(detail.at).toBe(detailType === 'FindingOpened' ? open.lastSeen : resolvedAt);
    }
  });

  it("emits ScanCompleted (the member's heartbeat) when the scan log records a newer scan, not for its history items", () => {
    // Arrange: the items DynamoScanLog writes, the latest-scan item and the history item.
    const scan = {
      accountId: '222222222222',
      asOf: '2026-03-01T00:00:00.000Z',
      ranAt: '2026-03-01T00:05:00.000Z',
      source: 'live',
    };
    const latest = { pk: 'SCANS', sk: `ACCOUNT#${scan.accountId}`, entity: 'scan', ...scan };
    const newer = { ...latest, asOf: '2026-03-02T00:00:00.000Z', ranAt: '2026-03-02T00:05:00.000Z' };
    const history = {
      pk: `SCAN#${scan.accountId}`,
      sk: `ASOF#${scan.asOf}#${scan.ranAt}`,
      entity: 'scan',
      ...scan,
    };
    // Act / Assert
    expect(firing(record('INSERT', history))).toEqual([]);
    const first = record('INSERT', latest);
    expect(firing(first)).toEqual(['ScanCompleted']);
    const next = record('MODIFY', newer, latest);
    expect(firing(next)).toEqual(['ScanCompleted']);
    const spec = PIPE_SPECS.find((s) => s.detailType === 'ScanCompleted') as PipeSpec;
    expect(EVENT_DETAIL_SCHEMAS.ScanCompleted.parse(render(spec.inputTemplate, next))).toEqual({
      schemaVersion: '1',
      accountId: scan.accountId,
      asOf: newer.asOf,
      ranAt: newer.ranAt,
    });
  });
});

describe('event pipes: the synthesized template', () => {
  let template: Template;
  let stack: NhiGovStack;
  beforeAll(() => {
    ({ template, stack } = synthSingle());
  });

  it('has one pipe per spec, from the right stream, to the suite bus, with its filters and template', () => {
    const pipes = Object.values(template.findResources('AWS::Pipes::Pipe'));
    expect(pipes).toHaveLength(PIPE_SPECS.length);
    const tableId = (source: PipeSpec['source']) =>
      stack.getLogicalId(stack.data[source].node.defaultChild as CfnElement);
    for (const spec of PIPE_SPECS) {
      const pipe = pipes.find(
        (p) => p.Properties.TargetParameters.EventBridgeEventBusParameters.DetailType === spec.detailType,
      );
      expect(pipe, spec.detailType).toBeDefined();
      expect(pipe?.Properties.Source).toEqual({ 'Fn::GetAtt': [tableId(spec.source), 'StreamArn'] });
      expect(pipe?.Properties.TargetParameters.EventBridgeEventBusParameters.Source).toBe('nhi-gov');
      expect(pipe?.Properties.TargetParameters.InputTemplate).toBe(spec.inputTemplate);
      expect(
        pipe?.Properties.SourceParameters.FilterCriteria.Filters.map((f: { Pattern: string }) =>
          JSON.parse(f.Pattern),
        ),
      ).toEqual(spec.filters);
      expect(pipe?.Properties.SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn).toBeDefined();
      expect(pipe?.Properties.SourceParameters.DynamoDBStreamParameters.MaximumRetryAttempts).toBeGreaterThan(
        0,
      );
    }
  });

  it('covers every detail type the tables produce', () => {
    const produced: DetailType[] = [
      'DecisionApproved',
      'DecisionRejected',
      'DecisionCancelled',
      'DecisionRevoked',
      'DecisionExpired',
      'ExceptionExpired',
      'AccessProvisioned',
      'AccessProvisioningFailed',
      'FindingOpened',
      'FindingResolved',
      'ScanCompleted',
    ];
    expect(PIPE_SPECS.map((s) => s.detailType).sort()).toEqual([...produced].sort());
  });

  it('routes bus events to functions with retries and a dead-letter queue on every target', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const onBus = rules.filter((r) => r.Properties.EventBusName);
    expect(onBus.length).toBeGreaterThanOrEqual(5);
    for (const rule of onBus) {
      for (const target of rule.Properties.Targets) {
        expect(target.DeadLetterConfig?.Arn, JSON.stringify(rule.Properties.EventPattern)).toBeDefined();
        expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
      }
    }
    const patternOf = (fnId: string) =>
      onBus
        .filter((r) => JSON.stringify(r.Properties.Targets).includes(fnId))
        .map((r) => r.Properties.EventPattern);
    const fnId = (f: { fn: { node: { defaultChild?: unknown } } }) =>
      stack.getLogicalId(f.fn.node.defaultChild as CfnElement);
    expect(patternOf(fnId(stack.provisioning?.provision as never))).toEqual([
      {
        source: ['nhi-gov'],
        'detail-type': ['DecisionApproved'],
        detail: { kind: ['grant', 'break-glass', 'create-identity', 'delete-identity', 'revoke'] },
      },
      {
        source: ['nhi-gov'],
        'detail-type': ['DecisionRevoked', 'DecisionExpired'],
        detail: { kind: ['grant', 'break-glass'] },
      },
    ]);
    expect(patternOf(fnId(stack.rotation?.rotate as never))).toEqual([
      { source: ['nhi-gov'], 'detail-type': ['DecisionApproved'], detail: { kind: ['rotate'] } },
    ]);
  });

  it('puts scans on a Scheduler schedule with a DLQ, and JIT revokes in their own schedule group', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 5 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      Target: { DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: { MaximumRetryAttempts: 3 } },
    });
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'nhi-gov-jit' });
  });
});
