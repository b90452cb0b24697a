import * as z from 'zod';
import { FindingType } from './finding.js';
import { IsoTimestamp, Severity } from './primitives.js';
import { median, percentile } from './stats.js';

/**
 * The day's numbers, stored by every scan (findings table, `pk = METRICS`, `sk = DAY#<YYYY-MM-DD>`)
 * and read by the reports. Governance and provisioning metrics are kept apart on purpose: the first
 * measures review completion, exception age and policy violations; the second, how long creating
 * and removing access took. A later scan on the same day replaces that day's snapshot.
 */

/** A UTC calendar day, `YYYY-MM-DD`. */
export const Day = z.iso.date({ message: 'must be a day such as 2026-01-31' });
export type Day = z.infer<typeof Day>;

const Count = z.number().int().nonnegative();

/** Distribution of durations; the statistics are absent when `count` is 0. */
export const DurationStats = z.strictObject({
  count: Count,
  medianMs: z.number().nonnegative().optional(),
  p95Ms: z.number().nonnegative().optional(),
  maxMs: z.number().nonnegative().optional(),
});
export type DurationStats = z.infer<typeof DurationStats>;

export const GovernanceMetrics = z.strictObject({
  /**
   * Certification coverage: of the NHIs in scope, how many were reviewed within the policy's
   * `certification.intervalDays`. `rate` is `reviewed / inScope`, absent when nothing is in scope.
   */
  reviewCompletion: z.strictObject({
    inScope: Count,
    reviewed: Count,
    overdue: Count,
    rate: z.number().min(0).max(1).optional(),
  }),
  /** Exceptions in force at the snapshot time, their age in days since approval, and those past expiry. */
  exceptionAge: z.strictObject({
    active: Count,
    medianDays: z.number().nonnegative().optional(),
    maxDays: z.number().nonnegative().optional(),
    /** Approved exceptions whose expiry has passed (not yet revoked). */
    expired: Count,
  }),
  /** Findings with status `open` after the scan (suppressed ones are counted apart). */
  openFindings: z.strictObject({
    total: Count,
    byType: z.partialRecord(FindingType, Count),
    bySeverity: z.partialRecord(Severity, Count),
  }),
  suppressedFindings: Count,
  policyViolations: z.strictObject({
    /** Refused attempts (self-approval, operator approval, policy denial) during the day. */
    deniedAttempts: Count,
    deniedByCode: z.record(z.string(), Count),
    /** Open `unapproved-access` findings: access in IAM with no decision behind it. */
    unapprovedAccess: Count,
  }),
});
export type GovernanceMetrics = z.infer<typeof GovernanceMetrics>;

export const ProvisioningMetrics = z.strictObject({
  /** Decision to `complete` (succeeded) for grant, create-identity and break-glass executions of the day. */
  timeToGrant: DurationStats,
  /** Decision to `complete` (succeeded) for revoke and delete-identity executions of the day. */
  timeToRemove: DurationStats,
  /** Executions of the day that ended `failed`. */
  failed: Count,
});
export type ProvisioningMetrics = z.infer<typeof ProvisioningMetrics>;

export const MetricsSnapshot = z.strictObject({
  schemaVersion: z.literal(1),
  day: Day,
  /** The scan's "now" (`--as-of` in local mode). */
  takenAt: IsoTimestamp,
  scan: z.strictObject({
    source: z.enum(['live', 'snapshot']),
    /** Identities read from IAM, and how many of them are NHIs in scope of the scan. */
    identities: Count,
    nhis: Count,
  }),
  governance: GovernanceMetrics,
  provisioning: ProvisioningMetrics,
});
export type MetricsSnapshot = z.infer<typeof MetricsSnapshot>;

/** The UTC day of an instant. */
export function dayOf(at: Date | string): Day {
  return (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 10);
}

/** Median, p95 (nearest rank) and max of some durations. */
export function durationStats(values: readonly number[]): DurationStats {
  if (values.length === 0) return { count: 0 };
  return {
    count: values.length,
    medianMs: median(values) as number,
    p95Ms: percentile(values, 95) as number,
    maxMs: percentile(values, 100) as number,
  };
}
