import type { EscalationPath, PathExamples } from '../path.js';

export const passroleCodebuildProject: EscalationPath = {
  id: 'passrole-codebuild-project',
  title: 'iam:PassRole + codebuild:CreateProject + codebuild:StartBuild',
  category: 'pass-role-compute',
  description:
    'Creates a build project with a privileged service role and a buildspec of its choosing, and starts a build.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'codebuild:CreateProject',
      scope: 'any',
    },
    {
      action: 'codebuild:StartBuild',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud codebuild-001'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'],
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'codebuild:StartBuild',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of codebuild:StartBuild wins over the Allow',
};
