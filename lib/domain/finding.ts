import { createHash } from 'node:crypto';
import * as z from 'zod';
import { AccountId } from './account.js';
import { FINDING_TYPE_NAMES, perFindingType } from './findings/types/index.js';
import { FindingSource, FrameworkMapping } from './findings/types/metadata.js';
import { IsoTimestamp, Severity } from './primitives.js';

/** Every finding type, in report order: the names of the registry in `lib/domain/findings/types/`. */
export const FINDING_TYPES = FINDING_TYPE_NAMES;
export const FindingType = z.enum(FINDING_TYPES);
export type FindingType = z.infer<typeof FindingType>;

export const FindingStatus = z.enum(['open', 'suppressed', 'resolved']);
export type FindingStatus = z.infer<typeof FindingStatus>;

export { FindingSource, FrameworkMapping };

/** What auditors ask for: each finding type's place in OWASP NHI Top 10 (2025) and NIST CSF 2.0. */
export const FRAMEWORKS: Readonly<Record<FindingType, FrameworkMapping>> = perFindingType(
  (m) => m.frameworks,
);

/** Default severity of each type; the policy file may override it. */
export const DEFAULT_SEVERITY: Readonly<Record<FindingType, Severity>> = perFindingType((m) => m.severity);

export const Finding = z.strictObject({
  id: z.string().min(1),
  type: FindingType,
  severity: Severity,
  status: FindingStatus,
  source: FindingSource,
  /** The account of the identity. Absent on findings about a decision, and on findings stored before accounts were kept. */
  accountId: AccountId.optional(),
  /** `role/<name>` or `user/<name>`; `decision/<id>` for findings about a decision rather than an identity. */
  identityKey: z.string().min(1),
  identityArn: z.string().optional(),
  owner: z.string().optional(),
  title: z.string().min(1),
  /**
   * The title with its day counts as tokens (`{{days-since:<instant>}}`), for titles that count days
   * ("not used for 101 days"): the store renders `title` from it at `lastSeen`, so the next day's scan
   * need not rewrite the finding to move the count (lib/domain/scanning/dated-title.ts).
   */
  titleTemplate: z.string().min(1).optional(),
  /** What was seen, for a human and for the audit: never a secret. */
  evidence: z.record(z.string(), z.unknown()),
  firstSeen: IsoTimestamp,
  lastSeen: IsoTimestamp,
  resolvedAt: IsoTimestamp.optional(),
  /** The exception decision that covers this finding while it is `suppressed`. */
  suppressedBy: z.string().optional(),
  frameworks: FrameworkMapping,
});
export type Finding = z.infer<typeof Finding>;

/**
 * A finding's id is a hash of what it is about, so the same condition seen in two scans updates one
 * finding (keeping `firstSeen`) instead of opening a second one. The account is part of it: the
 * same role name in two accounts is two identities. Without an account, the id is the one findings
 * had before accounts were kept.
 */
export function findingId(type: FindingType, identityKey: string, subject = '', accountId?: string): string {
  const about = `${type}\u0000${identityKey}\u0000${subject}`;
  return createHash('sha256')
    .update(accountId === undefined ? about : `${about}\u0000${accountId}`)
    .digest('hex')
    .slice(0, 32);
}
