import type { EscalationPath, PathExamples } from '../path.js';

export const stsAssumeRoleAny: EscalationPath = {
  id: 'sts-assume-role-any',
  title: 'sts:AssumeRole on any role',
  category: 'trust-and-assume',
  description:
    'Assumes any role whose trust policy trusts the account or the identity; which roles do is not in the identity policy, so this counts as open when the action reaches any role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'sts:AssumeRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
  ],
  references: ['pathfinding.cloud sts-001'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-lambda-exec',
      },
    ],
  },
  nearMissBecause: 'sts:AssumeRole is scoped to one named resource',
};
