import type { EscalationPath, PathExamples } from '../path.js';

export const codebuildStartBuildExisting: EscalationPath = {
  id: 'codebuild-start-build-existing',
  title: 'codebuild:StartBuild on any project',
  category: 'existing-compute',
  description:
    'Starts a build of an existing project with a privileged service role, overriding its buildspec.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'codebuild:StartBuild',
      scope: 'arbitrary',
      kind: 'codebuild-project',
    },
  ],
  references: ['pathfinding.cloud codebuild-002'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'codebuild:StartBuild',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'codebuild:StartBuild',
        Resource: 'arn:aws:codebuild:eu-west-1:111122223333:project/app-build',
      },
    ],
  },
  nearMissBecause: 'codebuild:StartBuild is scoped to one named resource',
};
