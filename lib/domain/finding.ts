import { createHash } from 'node:crypto';
import * as z from 'zod';
import { AccountId } from './account.js';
import { IsoTimestamp, Severity } from './primitives.js';

export const FINDING_TYPES = [
  'stale-role',
  'unused-access-key',
  'unrotated-access-key',
  'unapproved-access',
  'missing-access',
  'expired-exception',
  'expired-grant',
  'certification-overdue',
  'break-glass-review-overdue',
  'orphaned-identity',
  'human-use-of-nhi',
  'forged-event',
  'provisioning-failed',
  'unmanaged-access-key',
  'privilege-escalation',
  'policy-changed-since-approval',
] as const;
export const FindingType = z.enum(FINDING_TYPES);
export type FindingType = z.infer<typeof FindingType>;

export const FindingStatus = z.enum(['open', 'suppressed', 'resolved']);
export type FindingStatus = z.infer<typeof FindingStatus>;

/** Which part of nhi-gov raised a finding; a scan resolves only the findings its own sweep can see again. */
export const FindingSource = z.enum(['scanner', 'provisioning', 'rotation', 'governance']);
export type FindingSource = z.infer<typeof FindingSource>;

export const FrameworkMapping = z.strictObject({
  /** OWASP Non-Human Identities Top 10 (2025), e.g. `NHI7:2025 Long-Lived Secrets`. */
  owaspNhi: z.array(z.string()),
  /** NIST CSF 2.0 subcategories, e.g. `PR.AA-05`. */
  nistCsf: z.array(z.string()),
});
export type FrameworkMapping = z.infer<typeof FrameworkMapping>;

const NHI1 = 'NHI1:2025 Improper Offboarding';
const NHI2 = 'NHI2:2025 Secret Leakage';
const NHI5 = 'NHI5:2025 Overprivileged NHI';
const NHI7 = 'NHI7:2025 Long-Lived Secrets';
const NHI10 = 'NHI10:2025 Human Use of NHI';

/** What auditors ask for: each finding type's place in OWASP NHI Top 10 (2025) and NIST CSF 2.0. */
export const FRAMEWORKS: Readonly<Record<FindingType, FrameworkMapping>> = {
  'stale-role': { owaspNhi: [NHI1], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  'unused-access-key': { owaspNhi: [NHI1, NHI7], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  'unrotated-access-key': { owaspNhi: [NHI7], nistCsf: ['PR.AA-01'] },
  'unapproved-access': { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  'missing-access': { owaspNhi: [], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  'expired-exception': { owaspNhi: [NHI5], nistCsf: ['GV.RM-01', 'PR.AA-05'] },
  'expired-grant': { owaspNhi: [NHI1, NHI5], nistCsf: ['PR.AA-05'] },
  'certification-overdue': { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'GV.OV-02'] },
  'break-glass-review-overdue': { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'GV.RR-02'] },
  'orphaned-identity': { owaspNhi: [NHI1], nistCsf: ['PR.AA-01', 'GV.RR-02'] },
  'human-use-of-nhi': { owaspNhi: [NHI10], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  'forged-event': { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  'provisioning-failed': { owaspNhi: [], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
  // A key outside the secret is neither rotated nor vaulted: where is its secret half kept?
  'unmanaged-access-key': { owaspNhi: [NHI2, NHI7], nistCsf: ['PR.AA-01', 'PR.AA-05'] },
  'privilege-escalation': { owaspNhi: [NHI5], nistCsf: ['PR.AA-05'] },
  'policy-changed-since-approval': { owaspNhi: [NHI5], nistCsf: ['PR.AA-05', 'DE.CM-09'] },
};

/** Default severity of each type; the policy file may override it. */
export const DEFAULT_SEVERITY: Readonly<Record<FindingType, Severity>> = {
  'stale-role': 'medium',
  'unused-access-key': 'medium',
  'unrotated-access-key': 'high',
  'unapproved-access': 'high',
  'missing-access': 'medium',
  'expired-exception': 'high',
  'expired-grant': 'high',
  'certification-overdue': 'medium',
  'break-glass-review-overdue': 'high',
  'orphaned-identity': 'low',
  'human-use-of-nhi': 'high',
  'forged-event': 'critical',
  'provisioning-failed': 'high',
  'unmanaged-access-key': 'high',
  'privilege-escalation': 'high',
  'policy-changed-since-approval': 'high',
};

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
