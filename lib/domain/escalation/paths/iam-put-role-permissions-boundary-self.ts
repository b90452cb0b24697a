import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutRolePermissionsBoundarySelf: EscalationPath = {
  id: 'iam-put-role-permissions-boundary-self',
  title: 'iam:PutRolePermissionsBoundary on itself',
  category: 'permissions-boundary',
  description: 'The role replaces its permissions boundary with a wider managed policy.',
  appliesTo: ['role'],
  requires: [
    {
      action: 'iam:PutRolePermissionsBoundary',
      scope: 'self',
    },
  ],
  references: ['AWS IAM User Guide: permissions boundaries'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutRolePermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-runner',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutRolePermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-runner',
      },
      {
        Effect: 'Deny',
        Action: 'iam:PutRolePermissionsBoundary',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of iam:PutRolePermissionsBoundary wins over the Allow',
};
