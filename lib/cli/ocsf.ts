import type { FindingType } from '../domain/finding.js';
import type { FindingProjection } from '../domain/finding-projection.js';
import { findingTypesWhere } from '../domain/findings/types/index.js';
import type { Severity } from '../domain/primitives.js';

/** The OCSF schema version the records follow (test/fixtures/ocsf/<version>/ holds its JSON Schemas). */
export const OCSF_VERSION = '1.8.0';

/** Findings that are something someone did (detections); every other type is a posture check (compliance). */
const DETECTIONS: ReadonlySet<FindingType> = new Set(findingTypesWhere((m) => m.ocsfClass === 'detection'));

export const OCSF_CLASSES = {
  compliance: { uid: 2003, name: 'Compliance Finding' },
  detection: { uid: 2004, name: 'Detection Finding' },
} as const;

const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = {
  info: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** What an OCSF record is made from: the one finding projection (docs/schemas/finding.schema.json). */
type Source = FindingProjection;

const ms = (iso: string) => Date.parse(iso);

/**
 * One finding as an OCSF Compliance Finding (2003) or, for forged events and human use of an NHI,
 * a Detection Finding (2004). Activity: Create when first seen in this scan, Update after, Close once
 * resolved. The framework mapping goes in `compliance` (2003) or `finding_info.types`; the finding's
 * own fields that OCSF has no place for (evidence, owner, suppression) go in `unmapped`.
 */
export function toOcsf(f: Source, productVersion: string): Record<string, unknown> {
  const kind = DETECTIONS.has(f.type) ? 'detection' : 'compliance';
  const cls = OCSF_CLASSES[kind];
  const resolved = f.status === 'resolved';
  const activity = resolved ? 3 : f.firstSeen === f.lastSeen ? 1 : 2;
  const activityName = ['', 'Create', 'Update', 'Close'][activity] as string;
  const [identityType, ...rest] = f.identityKey.split('/');
  const at = resolved ? (f.resolvedAt ?? f.lastSeen) : f.lastSeen;
  const requirements = [
    ...f.nistCsf.map((c) => `NIST CSF 2.0 ${c}`),
    ...f.owaspNhi.map((c) => `OWASP NHI Top 10 ${c}`),
  ];
  return {
    activity_id: activity,
    activity_name: activityName,
    category_uid: 2,
    category_name: 'Findings',
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + activity,
    type_name: `${cls.name}: ${activityName}`,
    time: ms(at),
    start_time: ms(f.firstSeen),
    end_time: ms(f.lastSeen),
    severity_id: SEVERITY_ID[f.severity],
    severity: SEVERITY_NAME[f.severity],
    status_id: resolved ? 4 : f.status === 'suppressed' ? 3 : 1,
    status: resolved ? 'Resolved' : f.status === 'suppressed' ? 'Suppressed' : 'New',
    message: f.title,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'nhi-gov', vendor_name: 'nhi-gov', version: productVersion },
      log_name: 'nhi-gov findings',
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: `nhi-gov ${f.type} on ${f.identityKey}`,
      types: [f.type, ...requirements],
      created_time: ms(f.firstSeen),
      first_seen_time: ms(f.firstSeen),
      last_seen_time: ms(f.lastSeen),
      modified_time: ms(at),
    },
    resources: [
      {
        type:
          identityType === 'role'
            ? 'AWS::IAM::Role'
            : identityType === 'user'
              ? 'AWS::IAM::User'
              : 'nhi-gov::Decision',
        uid: f.identityArn ?? f.identityKey,
        name: rest.join('/'),
      },
    ],
    ...(kind === 'compliance'
      ? {
          compliance: {
            standards: ['NIST CSF 2.0', 'OWASP Non-Human Identities Top 10 (2025)'],
            requirements,
            control: f.type,
            status_id: resolved ? 1 : 3,
            status: resolved ? 'Pass' : 'Fail',
          },
        }
      : {}),
    unmapped: {
      identity_key: f.identityKey,
      owner: f.owner,
      suppressed_by: f.suppressedBy,
      evidence: f.evidence,
    },
  };
}

/** JSON Lines: one OCSF record per finding. */
export function renderOcsf(findings: readonly Source[], productVersion: string): string {
  return findings.map((f) => `${JSON.stringify(toOcsf(f, productVersion))}\n`).join('');
}
