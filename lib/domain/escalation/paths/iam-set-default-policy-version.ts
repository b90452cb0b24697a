import type { EscalationPath, PathExamples } from '../path.js';

export const iamSetDefaultPolicyVersion: EscalationPath = {
  id: 'iam-set-default-policy-version',
  title: 'iam:SetDefaultPolicyVersion on any managed policy',
  category: 'policy-version',
  description:
    'Switches a managed policy back to an older, wider version that is still stored: no new document needed.',
  appliesTo: ['role', 'user'],
  requires: [
    {
      action: 'iam:SetDefaultPolicyVersion',
      scope: 'arbitrary',
      kind: 'iam-policy',
    },
  ],
  references: ['Rhino Security Labs method 2'],
  since: '1.0.0',
};

/** Test data for the catalogue test: kept out of the path itself, so no function bundles it. */
export const examples: PathExamples = {
  completes: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:SetDefaultPolicyVersion',
        Resource: '*',
      },
    ],
  },
  nearMiss: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:SetDefaultPolicyVersion',
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'iam:SetDefaultPolicyVersion',
        Resource: '*',
      },
    ],
  },
  nearMissBecause: 'an explicit Deny of iam:SetDefaultPolicyVersion wins over the Allow',
};
