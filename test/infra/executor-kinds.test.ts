import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import type { DecisionStatus } from '../../lib/domain/decision.js';
import { GRANT_KINDS, PROVISIONED_KINDS, ROTATED_KINDS } from '../../lib/domain/provisioning/kinds.js';
import { intentOf } from '../../lib/domain/provisioning/plan.js';
import { ACCESS_REQUEST_KINDS, REQUEST_KINDS } from '../../lib/domain/request.js';
import { synthSingle } from './support/synth.js';

interface RulePattern {
  readonly source: string[];
  readonly 'detail-type': string[];
  readonly detail?: { readonly kind?: string[] };
}

let stack: NhiGovStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthSingle());
});

/** The `detail.kind` lists of the bus rules that target a function, keyed by the detail-types they match. */
function kindsRoutedTo(
  fn: { fn: { node: { defaultChild?: unknown } } } | undefined,
): Record<string, string[]> {
  if (!fn) throw new Error('the stack has no such function');
  const id = stack.getLogicalId(fn.fn.node.defaultChild as CfnElement);
  const routed: Record<string, string[]> = {};
  for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
    if (!rule.Properties.EventBusName || !JSON.stringify(rule.Properties.Targets).includes(id)) continue;
    const pattern = rule.Properties.EventPattern as RulePattern;
    routed[pattern['detail-type'].join(',')] = pattern.detail?.kind ?? [];
  }
  return routed;
}

describe('the decision kinds each executor handles (lib/domain/provisioning/kinds.ts)', () => {
  it('routes to provision exactly the kinds it applies and the kinds it removes, and to rotate exactly its kinds', () => {
    // Act
    const toProvision = kindsRoutedTo(stack.provisioning?.provision);
    const toRotate = kindsRoutedTo(stack.rotation?.rotate);

    // Assert
    expect(toProvision).toEqual({
      DecisionApproved: [...PROVISIONED_KINDS],
      'DecisionRevoked,DecisionExpired': [...GRANT_KINDS],
    });
    expect(toRotate).toEqual({ DecisionApproved: [...ROTATED_KINDS] });
  });

  it('has the provision planner act on exactly the kinds the rules route to it', () => {
    // Arrange
    const statuses: DecisionStatus[] = ['pending', 'approved', 'rejected', 'cancelled', 'revoked', 'expired'];

    // Act: every kind in every status
    const acted = REQUEST_KINDS.flatMap((kind) =>
      statuses.flatMap((status) => {
        const intent = intentOf({ kind, status });
        return intent ? [`${intent}:${status}:${kind}`] : [];
      }),
    );

    // Assert
    expect(acted.sort()).toEqual(
      [
        ...PROVISIONED_KINDS.map((k) => `apply:approved:${k}`),
        ...GRANT_KINDS.flatMap((k) => [`remove:revoked:${k}`, `remove:expired:${k}`]),
      ].sort(),
    );
  });

  it('gives every access request kind to exactly one executor, and exceptions to none', () => {
    // Act
    const executed = [...PROVISIONED_KINDS, ...ROTATED_KINDS];

    // Assert
    expect(new Set(executed).size).toBe(executed.length);
    expect([...executed].sort()).toEqual([...ACCESS_REQUEST_KINDS].sort());
    expect(GRANT_KINDS.every((k) => (PROVISIONED_KINDS as readonly string[]).includes(k))).toBe(true);
  });
});
