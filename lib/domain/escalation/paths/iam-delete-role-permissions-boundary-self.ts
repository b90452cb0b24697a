import type { EscalationPath, PathExamples } from '../path.js';

export const iamDeleteRolePermissionsBoundarySelf: EscalationPath = {
  id: 'iam-delete-role-permissions-boundary-self',
  title: 'iam:DeleteRolePermissionsBoundary on itself',
  category: 'permissions-boundary',
  description:
    'The role removes the permissions boundary that caps it, so its identity policies apply in full.',
  appliesTo: ['role'],
  requires: [
    {
      action: 'iam:DeleteRolePermissionsBoundary',
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
        Action: 'iam:DeleteRolePermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-runner',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:DeleteRolePermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:role/nhi/other-service',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
