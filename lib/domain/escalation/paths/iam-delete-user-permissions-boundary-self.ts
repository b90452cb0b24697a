import type { EscalationPath, PathExamples } from '../path.js';

export const iamDeleteUserPermissionsBoundarySelf: EscalationPath = {
  id: 'iam-delete-user-permissions-boundary-self',
  title: 'iam:DeleteUserPermissionsBoundary on itself',
  category: 'permissions-boundary',
  description:
    'The user removes the permissions boundary that caps it, so its identity policies apply in full.',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:DeleteUserPermissionsBoundary',
      scope: 'self',
    },
  ],
  references: [
    'pathfinding.cloud (permissions boundary removal)',
    'AWS IAM User Guide: permissions boundaries',
  ],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:DeleteUserPermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:user/nhi/ci-bot',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:DeleteUserPermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:user/nhi/other-bot',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
