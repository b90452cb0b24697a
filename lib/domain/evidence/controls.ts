import { findingTypesWhere } from '../findings/types/index.js';

/**
 * The controls an evidence package's index maps to its files. Each control names the parts that
 * evidence it and, where only some rows of a part do, which rows (`where`). docs/evidence.md explains
 * the mapping; the index counts the rows each control has in each file.
 */
export const EVIDENCE_PARTS = [
  'decisions',
  'approvals',
  'refused-attempts',
  'executions',
  'exceptions',
  'break-glass',
  'certifications',
  'findings',
  'policies',
] as const;
export type EvidencePart = (typeof EVIDENCE_PARTS)[number];

/** Which rows of a part evidence a control (absent: every row). */
export type RowFilter =
  | { readonly owaspNhi: string }
  | { readonly findingTypes: readonly string[] }
  | { readonly kinds: readonly string[] };

export interface ControlEvidence {
  readonly part: EvidencePart;
  readonly where?: RowFilter;
}

export interface Control {
  readonly framework: string;
  readonly id: string;
  readonly title: string;
  readonly evidence: readonly ControlEvidence[];
}

/** The finding types whose metadata names this ISO 27001 Annex A control, sorted by name. */
const isoFindingTypes = (control: string) => findingTypesWhere((m) => m.iso27001.includes(control)).sort();

const NIST = 'NIST CSF 2.0';
const OWASP = 'OWASP Non-Human Identities Top 10 (2025)';
const SOC2 = 'SOC 2 (2017 TSC)';
const ISO = 'ISO/IEC 27001:2022 Annex A';

export const CONTROLS: readonly Control[] = [
  {
    framework: NIST,
    id: 'PR.AA-05',
    title:
      'Access permissions, entitlements and authorizations are defined, managed, enforced and reviewed, with least privilege and separation of duties',
    evidence: [
      { part: 'decisions' },
      { part: 'approvals' },
      { part: 'refused-attempts' },
      { part: 'executions' },
      { part: 'certifications' },
    ],
  },
  {
    framework: NIST,
    id: 'GV.RM-01',
    title: 'Risk management objectives are established and agreed to by stakeholders (risk acceptance)',
    evidence: [{ part: 'exceptions' }, { part: 'policies' }],
  },
  {
    framework: OWASP,
    id: 'NHI1:2025',
    title: 'Improper Offboarding',
    evidence: [
      { part: 'findings', where: { owaspNhi: 'NHI1:2025' } },
      { part: 'executions', where: { kinds: ['revoke', 'delete-identity'] } },
    ],
  },
  {
    framework: OWASP,
    id: 'NHI5:2025',
    title: 'Overprivileged NHI',
    evidence: [{ part: 'findings', where: { owaspNhi: 'NHI5:2025' } }, { part: 'certifications' }],
  },
  {
    framework: OWASP,
    id: 'NHI7:2025',
    title: 'Long-Lived Secrets',
    evidence: [
      { part: 'findings', where: { owaspNhi: 'NHI7:2025' } },
      { part: 'executions', where: { kinds: ['rotate'] } },
    ],
  },
  {
    framework: OWASP,
    id: 'NHI10:2025',
    title: 'Human Use of NHI',
    evidence: [{ part: 'findings', where: { owaspNhi: 'NHI10:2025' } }],
  },
  {
    framework: SOC2,
    id: 'CC6.1',
    title:
      'Logical access security software, infrastructure and architectures over protected information assets',
    evidence: [{ part: 'policies' }, { part: 'decisions' }, { part: 'findings' }],
  },
  {
    framework: SOC2,
    id: 'CC6.2',
    title:
      'New users are registered and authorized before credentials are issued; access is removed when no longer authorized',
    evidence: [{ part: 'approvals' }, { part: 'executions' }],
  },
  {
    framework: SOC2,
    id: 'CC6.3',
    title:
      'Access is authorized, modified or removed based on roles, least privilege and segregation of duties',
    evidence: [
      { part: 'refused-attempts' },
      { part: 'certifications' },
      { part: 'break-glass' },
      { part: 'exceptions' },
    ],
  },
  {
    framework: ISO,
    id: 'A.5.15',
    title: 'Access control',
    evidence: [{ part: 'policies' }, { part: 'decisions' }],
  },
  {
    framework: ISO,
    id: 'A.5.16',
    title: 'Identity management',
    evidence: [
      { part: 'executions' },
      { part: 'findings', where: { findingTypes: isoFindingTypes('A.5.16') } },
    ],
  },
  {
    framework: ISO,
    id: 'A.5.17',
    title: 'Authentication information',
    evidence: [
      { part: 'executions', where: { kinds: ['rotate'] } },
      { part: 'findings', where: { findingTypes: isoFindingTypes('A.5.17') } },
    ],
  },
  {
    framework: ISO,
    id: 'A.5.18',
    title: 'Access rights',
    evidence: [
      { part: 'approvals' },
      { part: 'certifications' },
      { part: 'exceptions' },
      { part: 'break-glass' },
    ],
  },
];

/** A human label for a filter, as the index prints it. */
export function describeFilter(where: RowFilter | undefined): string {
  if (!where) return 'all rows';
  if ('owaspNhi' in where) return `rows mapped to ${where.owaspNhi}`;
  if ('findingTypes' in where) return `findings of type ${where.findingTypes.join(', ')}`;
  return `kind ${where.kinds.join(', ')}`;
}
