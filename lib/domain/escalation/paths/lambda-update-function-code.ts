import type { EscalationPath, PathExamples } from '../path.js';

export const lambdaUpdateFunctionCode: EscalationPath = {
  id: 'lambda-update-function-code',
  title: 'lambda:UpdateFunctionCode on any function',
  category: 'existing-compute',
  description:
    'Replaces the code of an existing function that runs as a privileged role; the next invocation acts with the role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'lambda:UpdateFunctionCode',
      scope: 'arbitrary',
      kind: 'lambda-function',
    },
  ],
  references: ['pathfinding.cloud lambda-003', 'Rhino Security Labs method 17'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'lambda:UpdateFunctionCode',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'lambda:UpdateFunctionCode',
        Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:app-handler',
      },
    ],
  },
  nearMissBecause: 'lambda:UpdateFunctionCode is scoped to one named resource',
};
