import type { EscalationPath, PathExamples } from '../path.js';

export const passroleEcsRunTask: EscalationPath = {
  id: 'passrole-ecs-run-task',
  title: 'iam:PassRole + ecs:RegisterTaskDefinition + ecs:RunTask',
  category: 'pass-role-compute',
  description:
    'Registers a task definition whose task role is privileged and runs it on an existing cluster.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'ecs:RegisterTaskDefinition',
      scope: 'any',
    },
    {
      action: 'ecs:RunTask',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud ecs-004'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'],
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
        Action: ['ecs:RegisterTaskDefinition', 'ecs:RunTask'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:PassRole is scoped to one named resource',
};
