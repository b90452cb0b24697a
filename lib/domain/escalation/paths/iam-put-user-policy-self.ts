import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutUserPolicySelf: EscalationPath = {
  id: 'iam-put-user-policy-self',
  title: 'iam:PutUserPolicy on itself',
  category: 'attach-or-put-policy',
  description: 'The user writes an inline policy on itself that allows any action on any resource.',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:PutUserPolicy',
      scope: 'self',
    },
  ],
  references: ['pathfinding.cloud iam-007', 'Rhino Security Labs method 9'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutUserPolicy',
        Resource: 'arn:aws:iam::111122223333:user/nhi/ci-bot',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutUserPolicy',
        Resource: 'arn:aws:iam::111122223333:user/nhi/other-bot',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
