import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../lib/config/policy-file.js';
import { isOperator } from '../../lib/domain/governance/policy-evaluation.js';
import { coversAction, renderResource, roleStatements } from './support/policies.js';
import { synthSingle } from './support/synth.js';

let template: Template;
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

beforeAll(() => {
  ({ template } = synthSingle());
});

/** The role's ARN and the ARN its Lambda sessions present, with the region filled in. */
function principalsOf(role: { [key: string]: { RoleName?: unknown; Path?: string } }): {
  roleArn: string;
  sessionArn: string;
} {
  const props = role.Properties ?? {};
  const name = renderResource(props.RoleName).replace('<AWS::Region>', REGION);
  const path = props.Path ?? '/';
  return {
    roleArn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/session`,
  };
}

describe('separation of duties in the deployed roles (invariant 2)', () => {
  it('names every function role so that the default policy treats it as an operator, who can never approve', () => {
    // Arrange
    const policy = loadPolicyFile();
    const lambdaRoles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
    );
    // Act
    const notOperators = lambdaRoles
      .map(([id, r]) => ({ id, ...principalsOf(r) }))
      .filter((p) => !isOperator(policy, p.roleArn) || !isOperator(policy, p.sessionArn));
    // Assert: all seven functions' roles, and none escapes the operator patterns
    expect(lambdaRoles.length).toBeGreaterThanOrEqual(7);
    expect(notOperators).toEqual([]);
  });

  it('gives no role of the suite the right to call the governance API, so no executor can approve through it', () => {
    const invokers = Object.keys(template.findResources('AWS::IAM::Role')).filter((roleId) =>
      roleStatements(template, roleId).some(
        (s) => s.Effect === 'Allow' && coversAction(s, 'execute-api:Invoke'),
      ),
    );
    expect(invokers).toEqual([]);
  });
});
