import type { EscalationPath, PathExamples } from '../path.js';

export const passroleDatapipeline: EscalationPath = {
  id: 'passrole-datapipeline',
  title: 'iam:PassRole + datapipeline:CreatePipeline + PutPipelineDefinition + ActivatePipeline',
  category: 'pass-role-compute',
  description: 'Creates a Data Pipeline whose resources run shell commands as a privileged role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'datapipeline:CreatePipeline',
      scope: 'any',
    },
    {
      action: 'datapipeline:PutPipelineDefinition',
      scope: 'any',
    },
    {
      action: 'datapipeline:ActivatePipeline',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud datapipeline-001', 'Rhino Security Labs method 21'],
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
          'datapipeline:CreatePipeline',
          'datapipeline:PutPipelineDefinition',
          'datapipeline:ActivatePipeline',
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
        Action: ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'datapipeline:ActivatePipeline is missing',
};
