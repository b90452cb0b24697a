import type { EscalationPath, PathExamples } from '../path.js';

export const passroleEcsCreateService: EscalationPath = {
  id: 'passrole-ecs-create-service',
  title: 'iam:PassRole + ecs:RegisterTaskDefinition + ecs:CreateService',
  category: 'pass-role-compute',
  description: 'Registers a task definition whose task role is privileged and starts it as a service.',
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
      action: 'ecs:CreateService',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud ecs-003'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:CreateService'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'ecs:RegisterTaskDefinition'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'ecs:CreateService is missing',
};
