import type { EscalationPath, PathExamples } from '../path.js';

export const passroleGlueDevEndpoint: EscalationPath = {
  id: 'passrole-glue-dev-endpoint',
  title: 'iam:PassRole + glue:CreateDevEndpoint',
  category: 'pass-role-compute',
  description: 'Creates a Glue development endpoint with a privileged role and logs into it over SSH.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'glue:CreateDevEndpoint',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud glue-001', 'Rhino Security Labs method 18'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'glue:CreateDevEndpoint'],
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
        Action: 'glue:CreateDevEndpoint',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:PassRole is scoped to one named resource',
};
