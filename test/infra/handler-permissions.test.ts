import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhiFunction } from '../../infra/constructs/nhi-function.js';
import type { NhiGovStack } from '../../infra/nhi-gov-stack.js';
import { FUNCTION_ENTRIES, type FunctionId } from '../../lib/config/functions.js';
import { coversAction, roleStatements } from './support/policies.js';
import { synthSingle } from './support/synth.js';

/**
 * Names handler headers mention that are not IAM actions: condition keys, a call that needs no
 * permission, and TransactWriteItems, which IAM authorizes through its items' PutItem / UpdateItem /
 * ConditionCheckItem ("Using IAM with DynamoDB transactions", DynamoDB developer guide).
 */
const NOT_ACTIONS = new Set([
  'iam:PermissionsBoundary',
  'iam:PassedToService',
  'sts:GetCallerIdentity',
  'dynamodb:TransactWriteItems',
]);

/** The AWS actions a handler's header comment (everything above its first import) says it needs. */
function declaredActions(entry: string): string[] {
  const header = readFileSync(entry, 'utf8').split(/^import /m)[0] ?? '';
  const actions =
    header.match(
      /\b(dynamodb|iam|secretsmanager|events|scheduler|states|lambda|kms|sqs|s3|securityhub):[A-Z][A-Za-z]+/g,
    ) ?? [];
  return [...new Set(actions)].filter((a) => !NOT_ACTIONS.has(a)).sort();
}

let stack: NhiGovStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthSingle());
});

describe('each function role grants what its handler says it calls', () => {
  const functionOf = (id: FunctionId): NhiFunction | undefined =>
    ({
      governanceApi: stack.governance?.api,
      governanceTask: stack.governance?.task,
      governanceEvents: stack.governance?.events,
      governanceCallback: stack.governance?.callback,
      provision: stack.provisioning?.provision,
      rotate: stack.rotation?.rotate,
      scan: stack.scanners?.scan,
      evidence: stack.evidence?.writer,
    })[id];

  for (const [id, entry] of Object.entries(FUNCTION_ENTRIES) as [FunctionId, string][]) {
    it(`${id}: every action in ${entry}'s header is allowed to its role`, () => {
      // Arrange
      const fn = functionOf(id);
      if (!fn) throw new Error(`the stack has no ${id} function`);
      const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
      const allows = roleStatements(template, roleId).filter((s) => s.Effect === 'Allow');
      const declared = declaredActions(entry);
      // Act
      const missing = declared.filter((action) => !allows.some((s) => coversAction(s, action)));
      // Assert: a handler that starts calling something its role lacks fails here, not in production
      expect(declared.length).toBeGreaterThan(0);
      expect(missing).toEqual([]);
    });
  }
});
