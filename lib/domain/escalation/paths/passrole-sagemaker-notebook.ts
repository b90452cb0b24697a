import type { EscalationPath, PathExamples } from '../path.js';

export const passroleSagemakerNotebook: EscalationPath = {
  id: 'passrole-sagemaker-notebook',
  title: 'iam:PassRole + sagemaker:CreateNotebookInstance + sagemaker:CreatePresignedNotebookInstanceUrl',
  category: 'pass-role-compute',
  description:
    'Creates a notebook instance with a privileged role and opens it in the browser: a shell with the role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'sagemaker:CreateNotebookInstance',
      scope: 'any',
    },
    {
      action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud sagemaker-001', 'Rhino Security Labs (SageMaker notebook)'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'iam:PassRole',
          'sagemaker:CreateNotebookInstance',
          'sagemaker:CreatePresignedNotebookInstanceUrl',
        ],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'sagemaker:CreateNotebookInstance'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'sagemaker:CreatePresignedNotebookInstanceUrl is missing',
};
