import type { EscalationPath, PathExamples } from '../path.js';

export const passroleLambdaAddPermission: EscalationPath = {
  id: 'passrole-lambda-add-permission',
  title: 'iam:PassRole + lambda:CreateFunction + lambda:AddPermission',
  category: 'pass-role-compute',
  description:
    'Creates a function that runs as a privileged role and grants itself (or anyone) the right to invoke it.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'lambda:CreateFunction',
      scope: 'any',
    },
    {
      action: 'lambda:AddPermission',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud lambda-006'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:AddPermission'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:AddPermission'],
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'lambda:AddPermission',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of lambda:AddPermission wins over the Allow',
};
