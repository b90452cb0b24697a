import * as z from 'zod';
import { type Finding, FindingStatus, FindingType } from './finding.js';
import { DAY_MS, IsoTimestamp, Severity } from './primitives.js';

/**
 * The one public shape of a finding: what `scan` and every report print in JSON and CSV, documented in
 * docs/reports.md and published as docs/schemas/finding.schema.json. Every key is always present
 * (null when unknown); keys are only ever added, never renamed or removed without a major version.
 */
export const FindingProjection = z
  .strictObject({
    id: z.string().min(1).describe('Stable id: the same condition seen by two scans is one finding.'),
    type: FindingType,
    severity: Severity,
    status: FindingStatus,
    identityKey: z
      .string()
      .min(1)
      .describe('`role/<name>`, `user/<name>`, or `decision/<id>` for findings about a decision.'),
    identityArn: z.string().nullable(),
    owner: z
      .string()
      .nullable()
      .describe('The team or person that owns the identity; null when none is known.'),
    title: z.string().min(1),
    firstSeen: IsoTimestamp,
    lastSeen: IsoTimestamp,
    resolvedAt: IsoTimestamp.nullable(),
    suppressedBy: z.string().nullable().describe('The exception decision that covers a suppressed finding.'),
    ageDays: z
      .number()
      .int()
      .nonnegative()
      .describe('Whole days from firstSeen to the output’s “now” (the scan’s or report’s --as-of).'),
    owaspNhi: z.array(z.string()).describe('OWASP Non-Human Identities Top 10 (2025) entries.'),
    nistCsf: z.array(z.string()).describe('NIST CSF 2.0 subcategories.'),
    evidence: z.record(z.string(), z.unknown()).describe('What was seen; never a secret.'),
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .nullable()
      .describe(
        "The identity's 12-digit AWS account; null for findings about a decision and for findings stored before accounts were kept.",
      ),
  })
  .describe('A finding as nhi-gov prints it in JSON and CSV (scan and every report).');
export type FindingProjection = z.infer<typeof FindingProjection>;

/** The projection's keys, in the order JSON objects and CSV columns list them. */
export const FINDING_PROJECTION_KEYS = Object.keys(
  FindingProjection.shape,
) as readonly (keyof FindingProjection)[];

/** Projects a stored finding onto the public shape; `now` sets `ageDays`. */
export function projectFinding(finding: Finding, now: Date): FindingProjection {
  return {
    id: finding.id,
    type: finding.type,
    severity: finding.severity,
    status: finding.status,
    identityKey: finding.identityKey,
    identityArn: finding.identityArn ?? null,
    owner: finding.owner ?? null,
    title: finding.title,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    resolvedAt: finding.resolvedAt ?? null,
    suppressedBy: finding.suppressedBy ?? null,
    ageDays: Math.max(0, Math.floor((now.getTime() - Date.parse(finding.firstSeen)) / DAY_MS)),
    owaspNhi: [...finding.frameworks.owaspNhi],
    nistCsf: [...finding.frameworks.nistCsf],
    evidence: finding.evidence,
    accountId: finding.accountId ?? null,
  };
}

/**
 * One CSV cell per key of the projection: arrays joined with `; `, evidence as JSON, null as empty.
 * Used by `scan --format csv` and every report's CSV, so both have the same header.
 */
export function findingCsvCells(
  row: FindingProjection,
): Record<keyof FindingProjection, string | number | null> {
  return {
    ...row,
    owaspNhi: row.owaspNhi.join('; '),
    nistCsf: row.nistCsf.join('; '),
    evidence: JSON.stringify(row.evidence),
  };
}
