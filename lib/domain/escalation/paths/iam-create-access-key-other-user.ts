import type { EscalationPath, PathExamples } from '../path.js';

export const iamCreateAccessKeyOtherUser: EscalationPath = {
  id: 'iam-create-access-key-other-user',
  title: 'iam:CreateAccessKey for other users',
  category: 'credentials',
  description: 'Creates an access key for a more privileged user and acts as that user.',
  appliesTo: ['user', 'role'],
  requires: [
    {
      action: 'iam:CreateAccessKey',
      scope: 'arbitrary',
      kind: 'iam-user',
    },
  ],
  references: ['pathfinding.cloud iam-002', 'Rhino Security Labs method 3'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:CreateAccessKey',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:CreateAccessKey',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
        Resource: 'arn:aws:iam::111122223333:user/nhi/${aws:username}',
      },
    ],
  },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
  nearMissBecause: 'scoped to the user itself through ${aws:username}',
};
