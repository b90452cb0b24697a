import type { EscalationPath, PathExamples } from '../path.js';

export const passroleSagemakerTrainingJob: EscalationPath = {
  id: 'passrole-sagemaker-training-job',
  title: 'iam:PassRole + sagemaker:CreateTrainingJob',
  category: 'pass-role-compute',
  description: 'Starts a training job whose container runs as a privileged role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'sagemaker:CreateTrainingJob',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud sagemaker-002'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'sagemaker:CreateTrainingJob'],
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
        Action: 'sagemaker:CreateTrainingJob',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:PassRole is scoped to one named resource',
};
