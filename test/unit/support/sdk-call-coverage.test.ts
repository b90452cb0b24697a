import { describe, expect, it } from 'vitest';
import { functionOfStack, needsOf, uncoveredNeeds } from '../../support/sdk-call-coverage.js';

describe('sdk-call-coverage', () => {
  it('maps document-client commands to the DynamoDB action IAM authorizes, on the table by its name', () => {
    // Act
    const put = needsOf('DynamoDBDocumentClient', 'PutCommand', { TableName: 't-1234abcd-executions' });
    const query = needsOf('DynamoDBDocumentClient', 'QueryCommand', {
      TableName: 't-1234abcd-decisions',
      IndexName: 'by-identity',
    });
    // Assert
    expect(put).toEqual([{ action: 'dynamodb:PutItem', resource: 'table:executions' }]);
    expect(query).toEqual([{ action: 'dynamodb:Query', resource: 'table:decisions/index/by-identity' }]);
  });

  it('authorizes a transaction through each item’s own action and table', () => {
    // Act
    const needs = needsOf('DynamoDBDocumentClient', 'TransactWriteCommand', {
      TransactItems: [
        { Put: { TableName: 'x-decisions' } },
        { Update: { TableName: 'x-decisions' } },
        { ConditionCheck: { TableName: 'x-decisions' } },
      ],
    });
    // Assert
    expect(needs.map((n) => n.action)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    ]);
  });

  it('finds a call its function’s declaration lacks: a write on the decisions table by an executor', () => {
    // Arrange: provision may only GetItem decisions and Query one of its indexes
    const write = needsOf('DynamoDBDocumentClient', 'UpdateCommand', { TableName: 'x-decisions' });
    const otherIndex = needsOf('DynamoDBDocumentClient', 'QueryCommand', {
      TableName: 'x-decisions',
      IndexName: 'by-status',
    });
    const allowed = needsOf('DynamoDBDocumentClient', 'QueryCommand', {
      TableName: 'x-decisions',
      IndexName: 'by-identity',
    });
    // Act / Assert
    expect(uncoveredNeeds('provision', write)).toEqual(write);
    expect(uncoveredNeeds('provision', otherIndex)).toEqual(otherIndex);
    expect(uncoveredNeeds('provision', allowed)).toEqual([]);
    expect(uncoveredNeeds('scan', needsOf('IAMClient', 'CreateRoleCommand', {}))).toEqual([
      { action: 'iam:CreateRole' },
    ]);
  });

  it('names an unknown client instead of letting its calls through, and needs nothing for sts:GetCallerIdentity', () => {
    // Act / Assert
    expect(uncoveredNeeds('rotate', needsOf('KMSClient', 'DecryptCommand', {}))).toHaveLength(1);
    expect(needsOf('STSClient', 'GetCallerIdentityCommand', {})).toEqual([]);
  });

  it('attributes a call to the innermost function directory on its stack, never to a test or functions/shared', () => {
    // Arrange
    const root = '/repo';
    const stack = [
      'Error',
      '    at Client.send (/repo/node_modules/@smithy/core/dist-es/client.js:1:1)',
      '    at async Store.put (/repo/lib/adapters/dynamodb/decision-store.ts:10:1)',
      '    at async observability (/repo/functions/shared/observability.ts:5:1)',
      '    at async handler (/repo/functions/governance-api/build-handler.ts:30:1)',
      '    at async /repo/test/unit/functions/provision/handler.test.ts:40:1',
    ].join('\n');
    // Act / Assert
    expect(functionOfStack(stack, root)).toBe('governanceApi');
    expect(functionOfStack('at /repo/test/unit/functions/rotate/handler.test.ts:1:1', root)).toBeUndefined();
  });
});
