import type { EscalationPath, PathExamples } from '../path.js';

export const cloudformationUpdateStack: EscalationPath = {
  id: 'cloudformation-update-stack',
  title: 'cloudformation:UpdateStack on any stack',
  category: 'existing-compute',
  description:
    'Updates an existing stack that has a privileged service role with a template of its choosing.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'cloudformation:UpdateStack',
      scope: 'arbitrary',
      kind: 'cloudformation-stack',
    },
  ],
  references: ['pathfinding.cloud cloudformation-002'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'cloudformation:UpdateStack',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'cloudformation:UpdateStack',
        Resource: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app-stack/*',
      },
    ],
  },
  nearMissBecause: 'cloudformation:UpdateStack is scoped to one named resource',
};
