import type { EscalationPath, PathExamples } from '../path.js';

export const passroleGlueJob: EscalationPath = {
  id: 'passrole-glue-job',
  title: 'iam:PassRole + glue:CreateJob + glue:StartJobRun',
  category: 'pass-role-compute',
  description: 'Creates a Glue job that runs as a privileged role and starts it.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'glue:CreateJob',
      scope: 'any',
    },
    {
      action: 'glue:StartJobRun',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud glue-003'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'glue:CreateJob', 'glue:StartJobRun'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'glue:CreateJob'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'glue:StartJobRun is missing',
};
