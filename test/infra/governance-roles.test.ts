import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { allowsOnTable, roleStatements } from './support/policies.js';
import { synthSingle } from './support/synth.js';

const { stack, template } = synthSingle();
const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);

describe('governance roles cannot delete decisions or attempt evidence', () => {
  const governance = stack.governance;
  if (!governance) throw new Error('no governance');
  const decisions = id(stack.data.decisions);

  for (const f of governance.functions) {
    it(`${f.functionId}: no BatchWriteItem (it carries DeleteRequest) nor DeleteItem on the decisions table`, () => {
      const statements = roleStatements(template, id(f.role));
      expect(allowsOnTable(statements, 'dynamodb:GetItem', decisions).length).toBeGreaterThan(0);
      for (const action of ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PartiQLDelete']) {
        expect(allowsOnTable(statements, action, decisions), action).toEqual([]);
      }
    });
  }
});
