import type { EscalationPath, PathExamples } from '../path.js';

export const iamCreateLoginProfileOtherUser: EscalationPath = {
  id: 'iam-create-login-profile-other-user',
  title: 'iam:CreateLoginProfile for other users',
  category: 'credentials',
  description: 'Sets a console password on a more privileged user that has none, then signs in as that user.',
  appliesTo: ['user', 'role'],
  requires: [
    {
      action: 'iam:CreateLoginProfile',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
  ],
  references: ['pathfinding.cloud iam-004', 'Rhino Security Labs method 4'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:CreateLoginProfile',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:CreateLoginProfile',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
        Resource: 'arn:aws:iam::111122223333:user/nhi/${aws:username}',
      },
    ],
  },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
  nearMissBecause: 'scoped to the user itself through ${aws:username}',
};
