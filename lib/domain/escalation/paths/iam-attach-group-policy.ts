import type { EscalationPath, PathExamples } from '../path.js';

export const iamAttachGroupPolicy: EscalationPath = {
  id: 'iam-attach-group-policy',
  title: 'iam:AttachGroupPolicy on any group',
  category: 'attach-or-put-policy',
  description: 'The user attaches an administrator policy to a group it belongs to.',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:AttachGroupPolicy',
      scope: 'arbitrary',
      kind: 'iam-group',
    },
  ],
  references: ['pathfinding.cloud iam-010', 'Rhino Security Labs method 7'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachGroupPolicy',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachGroupPolicy',
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'iam:AttachGroupPolicy',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of iam:AttachGroupPolicy wins over the Allow',
};
