import type { EscalationPath, PathExamples } from '../path.js';

export const passroleCloudformationCreateStack: EscalationPath = {
  id: 'passrole-cloudformation-create-stack',
  title: 'iam:PassRole + cloudformation:CreateStack',
  category: 'pass-role-compute',
  description:
    'Creates a stack with a privileged service role; the template creates whatever it likes (an admin user, a role trusting the attacker).',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'cloudformation:CreateStack',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud cloudformation-001', 'Rhino Security Labs method 20'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'cloudformation:CreateStack'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::111122223333:role/nhi/app-lambda-exec',
      },
      {
        Effect: 'Allow',
        Action: 'cloudformation:CreateStack',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:PassRole is scoped to one named resource',
};
