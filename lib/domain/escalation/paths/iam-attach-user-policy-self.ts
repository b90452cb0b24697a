import type { EscalationPath, PathExamples } from '../path.js';

export const iamAttachUserPolicySelf: EscalationPath = {
  id: 'iam-attach-user-policy-self',
  title: 'iam:AttachUserPolicy on itself',
  category: 'attach-or-put-policy',
  description: 'The user attaches AdministratorAccess (or any managed policy) to itself.',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:AttachUserPolicy',
      scope: 'self',
    },
  ],
  references: ['pathfinding.cloud iam-008', 'Rhino Security Labs method 6'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachUserPolicy',
        Resource: 'arn:aws:iam::111122223333:user/nhi/ci-bot',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachUserPolicy',
        Resource: 'arn:aws:iam::111122223333:user/nhi/other-bot',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
