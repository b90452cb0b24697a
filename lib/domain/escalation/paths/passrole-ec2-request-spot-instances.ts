import type { EscalationPath, PathExamples } from '../path.js';

export const passroleEc2RequestSpotInstances: EscalationPath = {
  id: 'passrole-ec2-request-spot-instances',
  title: 'iam:PassRole + ec2:RequestSpotInstances',
  category: 'pass-role-compute',
  description: 'Requests a spot instance with a privileged instance profile; same effect as RunInstances.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'ec2:RequestSpotInstances',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud ec2-003'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'ec2:RequestSpotInstances'],
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
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'ec2:RequestSpotInstances is missing',
};
