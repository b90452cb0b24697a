import type { EscalationPath, PathExamples } from '../path.js';

export const iamUpdateAssumeRolePolicy: EscalationPath = {
  id: 'iam-update-assume-role-policy',
  title: 'iam:UpdateAssumeRolePolicy + sts:AssumeRole',
  category: 'trust-and-assume',
  description: 'Rewrites the trust policy of a more privileged role to trust itself, then assumes the role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:UpdateAssumeRolePolicy',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'sts:AssumeRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
  ],
  references: ['pathfinding.cloud iam-012', 'Rhino Security Labs method 13'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:UpdateAssumeRolePolicy',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-lambda-exec',
      },
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:UpdateAssumeRolePolicy is scoped to one named resource',
};
