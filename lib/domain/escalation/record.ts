import { createHash } from 'node:crypto';
import * as z from 'zod';

/** One path a grant opens, as recorded on its decision (and as scanner evidence). */
export const OpenPathRecord = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  certainty: z.enum(['definite', 'conditional']),
  /** Per requirement: `<action> on <resource> by <statement>[; undecided: why]`. */
  because: z.array(z.string().max(600)).max(8),
});
export type OpenPathRecord = z.infer<typeof OpenPathRecord>;

/** What the escalation analysis found for a grant: recorded on the decision approvers see. */
export const EscalationRecord = z.strictObject({
  catalogueVersion: z.string().min(1),
  /** False when the granted document could not be read or analysed (the `unanalysable` rule applies). */
  analysed: z.boolean(),
  /** True when the identity's current permissions were known and taken into account. */
  heldKnown: z.boolean(),
  /** Paths open with the grant and not without it. */
  completes: z.array(OpenPathRecord).max(100),
  /** Paths the identity already has open without the grant (ids). */
  alreadyOpen: z.array(z.string()).max(100),
  /** What the analysis could not read or decide. */
  notes: z.array(z.string().max(600)).max(20),
});
export type EscalationRecord = z.infer<typeof EscalationRecord>;

/** What an approval pins: the approved document's content hash and, for a managed policy, its version. */
export const PinnedDocument = z.strictObject({
  contentHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  policyVersionId: z.string().min(1).max(128).optional(),
});
export type PinnedDocument = z.infer<typeof PinnedDocument>;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/**
 * `sha256:<hex>` of a policy document's canonical JSON (keys sorted at every level), so the same
 * document written with other key order or whitespace hashes the same, and any change of a value
 * (an action, a resource, a statement's order) does not.
 */
export function documentHash(document: unknown): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(canonical(document)))
    .digest('hex')}`;
}
