import type { EscalationPath, PathExamples } from '../path.js';

export const iamUpdateLoginProfileOtherUser: EscalationPath = {
  id: 'iam-update-login-profile-other-user',
  title: 'iam:UpdateLoginProfile for other users',
  category: 'credentials',
  description: 'Changes the console password of a more privileged user, then signs in as that user.',
  appliesTo: ['user', 'role'],
  requires: [
    {
      action: 'iam:UpdateLoginProfile',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
  ],
  references: ['pathfinding.cloud iam-006', 'Rhino Security Labs method 5'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:UpdateLoginProfile',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:UpdateLoginProfile',
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'iam:UpdateLoginProfile',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of iam:UpdateLoginProfile wins over the Allow',
};
