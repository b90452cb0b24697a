import type { Finding } from '../finding.js';
import { SEVERITY_RANK, type Severity } from '../primitives.js';

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

/** A finding as reports list it: every key always present (null when unknown), stable for scripts. */
export interface FindingRow {
  readonly id: string;
  readonly type: Finding['type'];
  readonly severity: Severity;
  readonly status: Finding['status'];
  readonly identityKey: string;
  readonly identityArn: string | null;
  readonly owner: string | null;
  readonly title: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt: string | null;
  readonly suppressedBy: string | null;
  readonly ageDays: number;
  readonly owaspNhi: readonly string[];
  readonly nistCsf: readonly string[];
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** Projects a finding onto the stable row shape. */
export function findingRow(finding: Finding, now: Date): FindingRow {
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
    ageDays: Math.max(0, Math.floor((now.getTime() - Date.parse(finding.firstSeen)) / 86_400_000)),
    owaspNhi: finding.frameworks.owaspNhi,
    nistCsf: finding.frameworks.nistCsf,
    evidence: finding.evidence,
  };
}

/** Worst first, then oldest first, then by type and identity: the order findings are listed in everywhere. */
export function compareFindings(
  a: Pick<FindingRow, 'severity' | 'firstSeen' | 'type' | 'identityKey' | 'id'>,
  b: Pick<FindingRow, 'severity' | 'firstSeen' | 'type' | 'identityKey' | 'id'>,
): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.type.localeCompare(b.type) ||
    a.identityKey.localeCompare(b.identityKey) ||
    a.id.localeCompare(b.id)
  );
}
