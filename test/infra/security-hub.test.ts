import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhiFunction } from '../../infra/constructs/nhi-function.js';
import { allowedActionsOf, renderResource, roleStatements } from './support/policies.js';
import { nagViolations, type Synthesized, synthSingle } from './support/synth.js';

function roleOf({ stack, template }: Synthesized, fn: NhiFunction) {
  const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
  const fnId = stack.getLogicalId(fn.fn.node.defaultChild as CfnElement);
  const env = template.findResources('AWS::Lambda::Function')[fnId]?.Properties.Environment.Variables;
  return { fnId, statements: roleStatements(template, roleId), env };
}

const allActions = ({ template }: Synthesized) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action?: string | string[] }[]).flatMap((s) =>
      [s.Action ?? []].flat(),
    ),
  );

let off: Synthesized;
let on: Synthesized;

// Two syntheses, each several seconds on a busy machine: once, before the tests.
beforeAll(() => {
  off = synthSingle({});
  on = synthSingle({ 'nhi-gov:securityHub': true });
}, 240_000);

describe('Security Hub (context nhi-gov:securityHub)', () => {
  it('is off by default: no export function, no ScanCompleted rule, no Security Hub action on any role', () => {
    const rules = Object.values(off.template.findResources('AWS::Events::Rule')).map(
      (r) => r.Properties.EventPattern,
    );

    expect(off.stack.scanners?.securityHubExport).toBeUndefined();
    expect(rules.filter((p) => p['detail-type']?.includes('ScanCompleted'))).toEqual([]);
    expect(allActions(off).filter((a) => a.toLowerCase().startsWith('securityhub:'))).toEqual([]);
    expect(roleOf(off, off.stack.scanners?.scan as NhiFunction).env.SECURITY_HUB_PRODUCT_ARN).toBeUndefined();
  });

  it('when on, keeps the scan role free of Security Hub and gives its own export function only BatchImportFindings on the default product and reads of the findings table', () => {
    const scan = roleOf(on, on.stack.scanners?.scan as NhiFunction);
    const exporter = on.stack.scanners?.securityHubExport;
    if (!exporter) throw new Error('no Security Hub export function');
    const { statements, env } = roleOf(on, exporter);
    const hub = statements.filter((s) => s.Action.some((a) => a.toLowerCase().startsWith('securityhub:')));
    const product =
      'arn:<AWS::Partition>:securityhub:<AWS::Region>:<AWS::AccountId>:product/<AWS::AccountId>/default';

    expect(allowedActionsOf(scan.statements, 'securityhub')).toEqual([]);
    expect(scan.env.SECURITY_HUB_PRODUCT_ARN).toBeUndefined();
    expect(hub).toHaveLength(1);
    expect(hub[0]).toMatchObject({ Effect: 'Allow', Action: ['securityhub:BatchImportFindings'] });
    expect(hub[0]?.Resource.map(renderResource)).toEqual([product]);
    expect(hub[0]?.Condition).toBeUndefined();
    expect(renderResource(env.SECURITY_HUB_PRODUCT_ARN)).toBe(product);
    expect(allowedActionsOf(statements, 'securityhub')).toEqual(['securityhub:BatchImportFindings']);
    expect(allowedActionsOf(statements, 'dynamodb')).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    for (const service of ['iam', 'events', 'secretsmanager', 's3', 'states', 'scheduler'])
      expect(allowedActionsOf(statements, service), service).toEqual([]);
    expect(Object.keys(env).filter((k) => k.endsWith('_TABLE_NAME'))).toEqual(['FINDINGS_TABLE_NAME']);
    expect(nagViolations(on.stack).map((v) => v.ruleName)).toEqual([]);
  });

  it('when on, routes ScanCompleted of the suite (and nothing else) to the export function', () => {
    const exporter = on.stack.scanners?.securityHubExport as NhiFunction;
    const { fnId } = roleOf(on, exporter);
    const rules = Object.values(on.template.findResources('AWS::Events::Rule')).filter((r) =>
      (r.Properties.Targets as { Arn: { 'Fn::GetAtt'?: [string, string] } }[]).some(
        (t) => t.Arn['Fn::GetAtt']?.[0] === fnId,
      ),
    );

    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern).toEqual({
      source: ['nhi-gov'],
      'detail-type': ['ScanCompleted'],
    });
  });
});
