import type { EscalationPath, PathExamples } from '../path.js';

export const sagemakerPresignedNotebookUrl: EscalationPath = {
  id: 'sagemaker-presigned-notebook-url',
  title: 'sagemaker:CreatePresignedNotebookInstanceUrl on any notebook',
  category: 'existing-compute',
  description: 'Opens an existing notebook instance that runs as a privileged role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
      scope: 'arbitrary',
      kind: 'sagemaker-notebook',
    },
  ],
  references: ['pathfinding.cloud sagemaker-004'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
        Resource: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/app-notebook',
      },
    ],
  },
  nearMissBecause: 'sagemaker:CreatePresignedNotebookInstanceUrl is scoped to one named resource',
};
