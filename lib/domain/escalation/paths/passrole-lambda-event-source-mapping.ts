import type { EscalationPath, PathExamples } from '../path.js';

export const passroleLambdaEventSourceMapping: EscalationPath = {
  id: 'passrole-lambda-event-source-mapping',
  title: 'iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping',
  category: 'pass-role-compute',
  description:
    'Creates a function that runs as a privileged role and has an event source (a stream or queue) trigger it.',
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
      action: 'lambda:CreateEventSourceMapping',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud lambda-002', 'Rhino Security Labs method 16'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'lambda:CreateEventSourceMapping is missing',
};
