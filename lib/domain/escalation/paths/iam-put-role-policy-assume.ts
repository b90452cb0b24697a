import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutRolePolicyAssume: EscalationPath = {
  id: 'iam-put-role-policy-assume',
  title: 'iam:PutRolePolicy + sts:AssumeRole on other roles',
  category: 'trust-and-assume',
  description: 'Writes an inline administrator policy on a role it may assume, then assumes it.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PutRolePolicy',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'sts:AssumeRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
  ],
  references: ['pathfinding.cloud iam-017'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PutRolePolicy', 'sts:AssumeRole'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutRolePolicy',
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-lambda-exec',
      },
    ],
  },
  nearMissBecause: 'sts:AssumeRole is scoped to one named resource',
};
