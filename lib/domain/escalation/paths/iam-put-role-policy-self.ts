import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutRolePolicySelf: EscalationPath = {
  id: 'iam-put-role-policy-self',
  title: 'iam:PutRolePolicy on itself',
  category: 'attach-or-put-policy',
  description: 'The role writes an inline policy on itself that allows any action on any resource.',
  appliesTo: ['role'],
  requires: [
    {
      action: 'iam:PutRolePolicy',
      scope: 'self',
    },
  ],
  references: ['pathfinding.cloud iam-005', 'Rhino Security Labs method 11'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutRolePolicy',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-runner',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutRolePolicy',
        Resource: 'arn:aws:iam::111122223333:role/nhi/other-service',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
