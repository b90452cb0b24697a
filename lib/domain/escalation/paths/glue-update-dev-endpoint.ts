import type { EscalationPath, PathExamples } from '../path.js';

export const glueUpdateDevEndpoint: EscalationPath = {
  id: 'glue-update-dev-endpoint',
  title: 'glue:UpdateDevEndpoint on any endpoint',
  category: 'existing-compute',
  description: 'Adds its SSH key to an existing Glue development endpoint that runs as a privileged role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'glue:UpdateDevEndpoint',
      scope: 'arbitrary',
      kind: 'glue-dev-endpoint',
    },
  ],
  references: ['pathfinding.cloud glue-002', 'Rhino Security Labs method 19'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'glue:UpdateDevEndpoint',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'glue:UpdateDevEndpoint',
        Resource: 'arn:aws:glue:eu-west-1:111122223333:devEndpoint/app-dev',
      },
    ],
  },
  nearMissBecause: 'glue:UpdateDevEndpoint is scoped to one named resource',
};
