import type { EscalationPath, PathExamples } from '../path.js';

export const passroleEc2RunInstances: EscalationPath = {
  id: 'passrole-ec2-run-instances',
  title: 'iam:PassRole + ec2:RunInstances',
  category: 'pass-role-compute',
  description:
    'Launches an instance with a privileged role in its instance profile and reads the role credentials from the instance metadata.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'ec2:RunInstances',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud ec2-001', 'Rhino Security Labs method 14'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'ec2:RunInstances'],
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
        Action: 'ec2:RunInstances',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:PassRole is scoped to one named resource',
};
