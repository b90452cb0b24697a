import type { Decision } from '../decision.js';
import { normalizeIamPath } from '../identity.js';

/** Tag that names the decision an identity (or its key secret) was created by. */
export const TAG_DECISION_ID = 'nhi-gov:decision-id';
/** Tag that names who answers for an identity; the scanners read it for ownership. */
export const TAG_OWNER = 'nhi-gov:owner';

/** What the provision function may create and touch, from its environment. */
export interface Guardrails {
  /** IAM path every created identity gets and every touched identity must be under, e.g. `/nhi/`. */
  readonly managedPath: string;
  /** Permissions boundary every created identity carries, and every granted-to identity must carry. */
  readonly permissionsBoundaryArn: string;
  /** Secrets holding provisioned access keys are named `<secretPrefix><user name>`. */
  readonly secretPrefix: string;
}

/** True when an identity's IAM path is the managed path or below it (`/nhi/` covers `/nhi/team-a/`). */
export function isUnderManagedPath(path: string, managedPath: string): boolean {
  return normalizeIamPath(path).startsWith(normalizeIamPath(managedPath));
}

/**
 * The tags every provisioned identity and key secret carries; ours win over request tags of the same
 * key. A decision without an owner writes no owner tag (a request cannot name one through its tags),
 * so the scanners report the identity as orphaned.
 */
export function provisioningTags(
  decision: Pick<Decision, 'id' | 'owner'>,
  requested: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const { [TAG_DECISION_ID]: _id, [TAG_OWNER]: _owner, ...rest } = requested;
  return {
    ...rest,
    [TAG_DECISION_ID]: decision.id,
    ...(decision.owner ? { [TAG_OWNER]: decision.owner } : {}),
  };
}

/** Name of the Secrets Manager secret that holds a provisioned user's access key. */
export function keySecretName(secretPrefix: string, userName: string): string {
  return `${secretPrefix}${userName}`;
}
