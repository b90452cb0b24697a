import type { EscalationPath, PathExamples } from '../path.js';

export const passroleLambdaCreateInvoke: EscalationPath = {
  id: 'passrole-lambda-create-invoke',
  title: 'iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction',
  category: 'pass-role-compute',
  description:
    'Creates a function that runs as a privileged role and invokes it: the code acts with the role.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PassRole',
      scope: 'arbitrary',
      kind: 'iam-role',
    },
    {
      action: 'lambda:CreateFunction',
      scope: 'any',
    },
    {
      action: 'lambda:InvokeFunction',
      scope: 'any',
    },
  ],
  references: ['pathfinding.cloud lambda-001', 'Rhino Security Labs method 15'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
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
        Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'],
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:PassRole is scoped to one named resource',
};
