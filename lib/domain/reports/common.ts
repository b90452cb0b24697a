import { type FindingProjection, projectFinding } from '../finding-projection.js';
import type { Severity } from '../primitives.js';

/** Every report the `nhi-gov report` command line answers. */
export const REPORT_KINDS = [
  'findings',
  'drift',
  'exceptions',
  'reviews',
  'provisioning',
  'violations',
  'audit',
  'overview',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Severities from worst to mildest: the order reports list them in. */
export const SEVERITIES_WORST_FIRST: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The time span a report looked at. */
export interface ReportWindow {
  readonly since: string;
  readonly until: string;
}

/** Reports every part of nhi-gov reads "now" from, so a report and its tests agree on ages. */
export interface ReportContext {
  readonly now: Date;
}

/** Callback for long reads: `done` of `total` steps, with a short label of the current step. */
export type ProgressFn = (done: number, total: number, label: string) => void;

/** A finding as reports list it: the one public projection (lib/domain/finding-projection.ts). */
export type FindingRow = FindingProjection;

/** Projects a finding onto the stable row shape. */
export const findingRow = projectFinding;

/** The one order findings are listed in (lib/domain/finding-order.ts). */
export { compareFindings } from '../finding-order.js';
