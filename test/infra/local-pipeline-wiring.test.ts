import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { matchesPattern } from '../../lib/adapters/local-bus/event-pattern.js';
import { renderPipeTemplate } from '../../lib/adapters/local-bus/pipe-template.js';
import { busRoutes, PIPE_SPECS, type RouteTarget } from '../../lib/config/event-routes.js';
import { synthSingle } from './support/synth.js';

/**
 * The local event pipeline (lib/adapters/local-bus/local-pipeline.ts) applies PIPE_SPECS and
 * busRoutes() from lib/config/event-routes.ts. These tests fail when what the stack synthesizes is
 * not exactly that: a filter, an input template, a rule pattern or a rule's target function changed
 * on one side only. And every synthesized pattern goes through the local matcher, which throws on any
 * operator it does not implement.
 */
/** JSON with object keys sorted: the same pattern, whatever order CDK wrote its fields in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

describe('local pipeline wiring = the synthesized template', () => {
  let template: Template;
  let stack: NhiGovStack;
  beforeAll(() => {
    ({ template, stack } = synthSingle());
  });

  const functionOf = (target: RouteTarget) => {
    const fns = {
      provision: stack.provisioning?.provision,
      rotate: stack.rotation?.rotate,
      'governance-events': stack.governance?.events,
      'governance-callback': stack.governance?.callback,
    } as const;
    const fn = fns[target];
    if (!fn) throw new Error(`the stack has no ${target} function`);
    return stack.getLogicalId(fn.fn.node.defaultChild as CfnElement);
  };

  it('deploys exactly the pipe filters and input templates the local pipeline applies', () => {
    // Arrange
    const pipes = Object.values(template.findResources('AWS::Pipes::Pipe')).map((p) => ({
      detailType: p.Properties.TargetParameters.EventBridgeEventBusParameters.DetailType as string,
      filters: p.Properties.SourceParameters.FilterCriteria.Filters.map((f: { Pattern: string }) =>
        JSON.parse(f.Pattern),
      ),
      inputTemplate: p.Properties.TargetParameters.InputTemplate as string,
    }));
    // Act
    const local = PIPE_SPECS.map((s) => ({
      detailType: s.detailType,
      filters: s.filters,
      inputTemplate: s.inputTemplate,
    }));
    // Assert
    const byType = (a: { detailType: string }, b: { detailType: string }) =>
      a.detailType.localeCompare(b.detailType);
    expect([...pipes].sort(byType)).toEqual([...local].sort(byType));
  });

  it('deploys exactly the bus rules the local pipeline routes by, each to the same function', () => {
    // Arrange
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .filter((r) => r.Properties.EventBusName)
      .map((r) => ({
        pattern: r.Properties.EventPattern,
        targets: r.Properties.Targets.map(
          (t: { Arn: { 'Fn::GetAtt': [string, string] } }) => t.Arn['Fn::GetAtt'][0],
        ),
      }));
    // Act
    const local = busRoutes().map((r) => ({ pattern: r.pattern, targets: [functionOf(r.target)] }));
    // Assert
    const key = (r: { pattern: unknown }) => canonical(r.pattern);
    expect(rules.map(key).sort()).toEqual(local.map(key).sort());
    for (const rule of rules) expect(rule.targets).toEqual(local.find((l) => key(l) === key(rule))?.targets);
  });

  it('matches every synthesized pattern with the local matcher (no operator it does not implement)', () => {
    const patterns = [
      ...Object.values(template.findResources('AWS::Pipes::Pipe')).flatMap((p) =>
        p.Properties.SourceParameters.FilterCriteria.Filters.map((f: { Pattern: string }) =>
          JSON.parse(f.Pattern),
        ),
      ),
      ...Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties.EventPattern),
    ];
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) expect(() => matchesPattern(pattern, { source: 'x' })).not.toThrow();
  });

  it('routes the events the pipes render from stream records to the functions the rules name', () => {
    // A pending -> approved grant, as the decisions stream carries it.
    const record = {
      eventName: 'MODIFY',
      dynamodb: {
        NewImage: {
          sk: { S: 'DECISION' },
          id: { S: 'd1' },
          version: { N: '2' },
          kind: { S: 'grant' },
          status: { S: 'approved' },
          identityKey: { S: 'role/app' },
        },
        OldImage: { status: { S: 'pending' } },
      },
    };
    const fired = PIPE_SPECS.filter(
      (s) => s.source === 'decisions' && s.filters.some((f) => matchesPattern(f, record)),
    );
    expect(fired.map((s) => s.detailType)).toEqual(['DecisionApproved']);
    const event = {
      source: 'nhi-gov',
      'detail-type': 'DecisionApproved',
      detail: renderPipeTemplate((fired[0] as (typeof PIPE_SPECS)[number]).inputTemplate, record),
    };
    expect(
      busRoutes()
        .filter((r) => matchesPattern(r.pattern, event))
        .map((r) => r.target)
        .sort(),
    ).toEqual(['governance-callback', 'provision']);
  });
});
