import type { RequestKind } from '../request.js';

/**
 * The decision kinds each executor handles: the one list the executors' admission (plan.ts intentOf,
 * rotation's admit) and the EventBridge rules that route decisions to them (infra/constructs) are built
 * from. test/infra/executor-kinds.test.ts checks that the synthesized rules use exactly these.
 */

/** Approved decisions of these kinds are applied to IAM by the provision function. `rotate` is not. */
export const PROVISIONED_KINDS = [
  'grant',
  'break-glass',
  'create-identity',
  'delete-identity',
  'revoke',
] as const satisfies readonly RequestKind[];

/** Kinds that grant an entitlement: the provision function removes it when the decision is revoked or expires. */
export const GRANT_KINDS = ['grant', 'break-glass'] as const satisfies readonly RequestKind[];

/** Approved decisions of these kinds are executed by the rotation function. */
export const ROTATED_KINDS = ['rotate'] as const satisfies readonly RequestKind[];

/** True when `kind` is one of `kinds` (the lists above are readonly tuples of literals). */
export function isKindIn(kinds: readonly RequestKind[], kind: string): boolean {
  return (kinds as readonly string[]).includes(kind);
}
