import type { EscalationPath, PathExamples } from '../path.js';

export const iamAttachRolePolicySelf: EscalationPath = {
  id: 'iam-attach-role-policy-self',
  title: 'iam:AttachRolePolicy on itself',
  category: 'attach-or-put-policy',
  description:
    'The role attaches AdministratorAccess (or any managed policy) to itself; its sessions gain it at once.',
  appliesTo: ['role'],
  requires: [
    {
      action: 'iam:AttachRolePolicy',
      scope: 'self',
    },
  ],
  references: ['pathfinding.cloud iam-009', 'Rhino Security Labs method 8'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-runner',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: 'arn:aws:iam::111122223333:role/nhi/other-service',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
