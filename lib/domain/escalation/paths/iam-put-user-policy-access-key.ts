import type { EscalationPath, PathExamples } from '../path.js';

export const iamPutUserPolicyAccessKey: EscalationPath = {
  id: 'iam-put-user-policy-access-key',
  title: 'iam:PutUserPolicy + iam:CreateAccessKey on other users',
  category: 'credentials',
  description:
    'Writes an inline administrator policy on another user, creates an access key for it, and acts as that user.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:PutUserPolicy',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
    {
      action: 'iam:CreateAccessKey',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
  ],
  references: ['pathfinding.cloud iam-018'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PutUserPolicy', 'iam:CreateAccessKey'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PutUserPolicy', 'iam:CreateAccessKey'],
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'iam:CreateAccessKey',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of iam:CreateAccessKey wins over the Allow',
};
