import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY_PATH } from '../../lib/config/policy-file.js';
import { parsePolicy } from '../../lib/domain/policy/parse.js';
import type { Policy } from '../../lib/domain/policy/schema.js';

export const PROD_A = '111111111111';
/** A prod account whose id starts with zeros: a number in YAML would lose them. */
export const PROD_B = '000000000042';
export const DEV = '222222222222';
/** In no unit: follows the policy's own rules. */
export const LOOSE = '333333333333';
/** Approves only in the prod unit's accounts. */
export const PAT = 'arn:aws:iam::111122223333:role/prod-approver-pat';

/** The organization section the org tests add to the default policy (YAML). */
export const ORG_YAML = `
organization:
  scanIntervalHours: 24
  units:
    ou-prod: ["${PROD_A}", "${PROD_B}"]
    ou-dev: ["${DEV}"]
scopes:
  - name: prod
    units: [ou-prod]
    tiers:
      low:
        approvals: 1
        approvers: ["arn:aws:iam::*:role/prod-approver*", "arn:aws:sts::*:assumed-role/prod-approver*/*"]
    entitlements:
      - { match: "arn:aws:iam::aws:policy/*ReadOnly*", tier: low }
    breakGlass: { enabled: false }
`;

/** The default policy with {@link ORG_YAML} (and `extra`) appended. */
export function orgPolicy(extra = ''): Policy {
  return parsePolicy(
    `${readFileSync(DEFAULT_POLICY_PATH, 'utf8')}\n${ORG_YAML}\n${extra}`,
    'org-policy.yaml',
  );
}

/** The default policy's text with `yaml` appended, parsed (for refusals). */
export function policyWith(yaml: string): Policy {
  return parsePolicy(`${readFileSync(DEFAULT_POLICY_PATH, 'utf8')}\n${yaml}`, 'policy.yaml');
}
