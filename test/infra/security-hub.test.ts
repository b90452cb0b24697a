import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowedActionsOf, renderResource, roleStatements } from './support/policies.js';
import { nagViolations, synthSingle } from './support/synth.js';

function scanRole(context: Record<string, unknown>) {
  const { stack, template } = synthSingle(context);
  const scan = stack.scanners?.scan;
  if (!scan) throw new Error('no scan function');
  const roleId = stack.getLogicalId(scan.role.node.defaultChild as CfnElement);
  const fnId = stack.getLogicalId(scan.fn.node.defaultChild as CfnElement);
  const env = template.findResources('AWS::Lambda::Function')[fnId]?.Properties.Environment.Variables;
  return { stack, statements: roleStatements(template, roleId), env };
}

let off: ReturnType<typeof scanRole>;
let on: ReturnType<typeof scanRole>;

// Two syntheses, each several seconds on a busy machine: once, before the tests.
beforeAll(() => {
  off = scanRole({});
  on = scanRole({ 'nhi-gov:securityHub': true });
}, 240_000);

describe('Security Hub (context nhi-gov:securityHub)', () => {
  it('is off by default: no Security Hub action on any statement of the scan role, no product ARN in its environment', () => {
    const { statements, env } = off;

    expect(allowedActionsOf(statements, 'securityhub')).toEqual([]);
    expect(env.SECURITY_HUB_PRODUCT_ARN).toBeUndefined();
  });

  it('when on, gives the scan role only securityhub:BatchImportFindings on the account default product ARN', () => {
    const { stack, statements, env } = on;
    const hub = statements.filter((s) => s.Action.some((a) => a.toLowerCase().startsWith('securityhub:')));
    const product =
      'arn:<AWS::Partition>:securityhub:<AWS::Region>:<AWS::AccountId>:product/<AWS::AccountId>/default';

    expect(hub).toHaveLength(1);
    expect(hub[0]).toMatchObject({ Effect: 'Allow', Action: ['securityhub:BatchImportFindings'] });
    expect(hub[0]?.Resource.map(renderResource)).toEqual([product]);
    expect(hub[0]?.Condition).toBeUndefined();
    expect(renderResource(env.SECURITY_HUB_PRODUCT_ARN)).toBe(product);
    expect(allowedActionsOf(statements, 'securityhub')).toEqual(['securityhub:BatchImportFindings']);
    expect(nagViolations(stack).map((v) => v.ruleName)).toEqual([]);
  });
});
