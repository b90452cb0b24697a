import type { EscalationPath, PathExamples } from '../path.js';

export const iamAddUserToGroup: EscalationPath = {
  id: 'iam-add-user-to-group',
  title: 'iam:AddUserToGroup on any group',
  category: 'attach-or-put-policy',
  description: 'The user adds itself to a more privileged group (an administrators group).',
  appliesTo: ['user'],
  requires: [
    {
      action: 'iam:AddUserToGroup',
      scope: 'arbitrary',
      kind: 'iam-group',
    },
  ],
  references: ['pathfinding.cloud iam-013', 'Rhino Security Labs method 12'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:AddUserToGroup',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:RemoveUserFromGroup',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'iam:RemoveUserFromGroup is a different action',
};
