import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutUserPermissionsBoundarySelf: EscalationPath = {
  id: 'iam-put-user-permissions-boundary-self',
  title: 'iam:PutUserPermissionsBoundary on itself',
  category: 'permissions-boundary',
  description: 'The user replaces its permissions boundary with a wider managed policy.',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:PutUserPermissionsBoundary',
      scope: 'self',
    },
  ],
  references: ['AWS IAM User Guide: permissions boundaries'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutUserPermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:user/nhi/ci-bot',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:PutUserPermissionsBoundary',
        Resource: 'arn:aws:iam::111122223333:user/nhi/other-bot',
      },
    ],
  },
  nearMissBecause: 'the action is scoped to another named identity, not to itself',
};
