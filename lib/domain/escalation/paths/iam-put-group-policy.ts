import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutGroupPolicy: EscalationPath = {
  id: 'iam-put-group-policy',
  title: 'iam:PutGroupPolicy on any group',
  category: 'attach-or-put-policy',
  description: 'The user writes an inline administrator policy on a group it belongs to.',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:PutGroupPolicy',
      scope: 'arbitrary',
      kind: 'iam-group',
    },
  ],
  references: ['pathfinding.cloud iam-011', 'Rhino Security Labs method 10'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutGroupPolicy',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:Get*', 'iam:List*'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'read-only wildcards (Get*, List*) never reach the write action',
};
