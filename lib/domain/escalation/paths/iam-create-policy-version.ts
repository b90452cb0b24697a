import type { EscalationPath, PathExamples } from '../path.js';

export const iamCreatePolicyVersion: EscalationPath = {
  id: 'iam-create-policy-version',
  title: 'iam:CreatePolicyVersion on any managed policy',
  category: 'policy-version',
  description:
    'Writes a new default version of a customer-managed policy (one attached to the identity, or to any principal it can use) that allows everything.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:CreatePolicyVersion',
      scope: 'arbitrary',
      kind: 'iam-policy',
    },
  ],
  references: ['pathfinding.cloud iam-001', 'Rhino Security Labs method 1'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:CreatePolicyVersion',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:Get*', 'iam:List*'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'read-only wildcards (Get*, List*) never reach the write action',
};
