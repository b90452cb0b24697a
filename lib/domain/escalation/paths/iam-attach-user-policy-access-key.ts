import type { EscalationPath, PathExamples } from '../path.js';

export const iamAttachUserPolicyAccessKey: EscalationPath = {
  id: 'iam-attach-user-policy-access-key',
  title: 'iam:AttachUserPolicy + iam:CreateAccessKey on other users',
  category: 'credentials',
  description:
    'Attaches an administrator policy to another user, creates an access key for it, and acts as that user.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:AttachUserPolicy',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
    {
      action: 'iam:CreateAccessKey',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
  ],
  references: ['pathfinding.cloud iam-015'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:AttachUserPolicy', 'iam:CreateAccessKey'],
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AttachUserPolicy',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:CreateAccessKey is missing',
};
