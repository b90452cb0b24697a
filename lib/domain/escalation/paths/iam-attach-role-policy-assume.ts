import type { EscalationPath, PathExamples } from '../path.js';

export const iamAttachRolePolicyAssume: EscalationPath = {
  id: 'iam-attach-role-policy-assume',
  title: 'iam:AttachRolePolicy + sts:AssumeRole on other roles',
  category: 'trust-and-assume',
  description: 'Attaches an administrator policy to a role it may assume, then assumes it.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:AttachRolePolicy',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'sts:AssumeRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
  ],
  references: ['pathfinding.cloud iam-014'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy', 'sts:AssumeRole'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'sts:AssumeRole is missing',
};
