import { describe, expect, it } from 'vitest';
import { parseProductArn, toAsff } from '../../../../lib/adapters/securityhub/asff.js';
import { toOcsf } from '../../../../lib/cli/ocsf.js';
import { CONTROLS } from '../../../../lib/domain/evidence/controls.js';
import {
  DEFAULT_SEVERITY,
  FINDING_TYPES,
  type FindingType,
  FRAMEWORKS,
} from '../../../../lib/domain/finding.js';
import { projectFinding } from '../../../../lib/domain/finding-projection.js';
import { FINDING_TYPE_METADATA } from '../../../../lib/domain/findings/types/index.js';
import { CREDENTIAL_REPORT_TYPES, DOCUMENT_TYPES } from '../../../../lib/domain/scanning/reconcile.js';
import { RULE_BY_TYPE, RULES } from '../../../../lib/domain/scanning/rules/index.js';
import { aFinding } from '../../../support/builders.js';
import { unitFiles } from '../../../support/unit-files.js';

/** The finding types of the old main, in their enum order, before the registry existed. */
const OLD_TYPES: readonly FindingType[] = [
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
];

const scannerTypes = () => FINDING_TYPE_METADATA.filter((m) => m.raisedBy.some((s) => s === 'scanner'));

describe('finding type registry', () => {
  it('has exactly one metadata file per finding type, named after it, and nothing else', async () => {
    // Act
    const declared = await unitFiles('lib/domain/findings/types', ['index.ts', 'metadata.ts']);

    // Assert
    expect(declared.map((d) => d.name)).toEqual([...FINDING_TYPES].sort());
    for (const { file, name, exports } of declared) {
      expect(exports, file).toHaveLength(1);
      expect((exports[0] as { type: string }).type, file).toBe(name);
      expect(FINDING_TYPE_METADATA, file).toContain(exports[0]);
    }
    expect(new Set(FINDING_TYPES).size).toBe(FINDING_TYPE_METADATA.length);
  });

  it('has exactly one rule file per scanner finding type, and no rule for any other type', async () => {
    // Act
    const declared = await unitFiles('lib/domain/scanning/rules', ['index.ts', 'rule.ts']);

    // Assert
    const expected = scannerTypes().map((m) => m.type);
    expect(declared.map((d) => d.name)).toEqual([...expected].sort());
    expect(Object.keys(RULE_BY_TYPE).sort()).toEqual([...expected].sort());
    for (const { file, name, exports } of declared) {
      expect(exports, file).toHaveLength(1);
      const rule = exports[0] as { type: string; run: unknown };
      expect(rule.type, file).toBe(name);
      expect(typeof rule.run, file).toBe('function');
      expect(RULES, file).toContain(rule);
    }
  });

  it('keeps the finding types, severities and framework mappings of the lists it replaced', () => {
    // Assert: the literal lists of lib/domain/finding.ts before the registry (schemas depend on the
    // order). A new type is appended, so these hold for the types that existed then.
    expect(FINDING_TYPES.slice(0, OLD_TYPES.length)).toEqual(OLD_TYPES);
    expect(DEFAULT_SEVERITY).toMatchObject({
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
    });
    const owasp = Object.fromEntries(
      OLD_TYPES.map((t) => [t, FRAMEWORKS[t].owaspNhi.map((e) => e.split(':')[0]).join(',')]),
    );
    expect(owasp).toEqual({
      'stale-role': 'NHI1',
      'unused-access-key': 'NHI1,NHI7',
      'unrotated-access-key': 'NHI7',
      'unapproved-access': 'NHI5',
      'missing-access': '',
      'expired-exception': 'NHI5',
      'expired-grant': 'NHI1,NHI5',
      'certification-overdue': 'NHI5',
      'break-glass-review-overdue': 'NHI5',
      'orphaned-identity': 'NHI1',
      'human-use-of-nhi': 'NHI10',
      'forged-event': 'NHI5',
      'provisioning-failed': '',
      'unmanaged-access-key': 'NHI2,NHI7',
      'privilege-escalation': 'NHI5',
      'policy-changed-since-approval': 'NHI5',
    });
    expect(FRAMEWORKS['unmanaged-access-key']).toEqual({
      owaspNhi: ['NHI2:2025 Secret Leakage', 'NHI7:2025 Long-Lived Secrets'],
      nistCsf: ['PR.AA-01', 'PR.AA-05'],
    });
    expect(FRAMEWORKS['expired-exception'].nistCsf).toEqual(['GV.RM-01', 'PR.AA-05']);
  });

  it('derives what a scan must have read, the ISO evidence filters and the OCSF classes as before', () => {
    // Act
    const iso = Object.fromEntries(
      CONTROLS.filter((c) => c.id.startsWith('A.5.')).map((c) => [
        c.id,
        c.evidence.flatMap((e) => (e.where && 'findingTypes' in e.where ? e.where.findingTypes : [])),
      ]),
    );
    const classes = Object.fromEntries(
      OLD_TYPES.map((type) => [
        type,
        toOcsf(projectFinding(aFinding({ type }), new Date('2026-03-01T00:00:00Z')), '0.0.0').class_uid,
      ]),
    );

    // Assert
    const old = (types: Iterable<string>) => [...types].filter((t) => OLD_TYPES.includes(t as FindingType));
    expect(old(CREDENTIAL_REPORT_TYPES)).toEqual([
      'unused-access-key',
      'unrotated-access-key',
      'human-use-of-nhi',
    ]);
    expect(old(DOCUMENT_TYPES)).toEqual(['privilege-escalation', 'policy-changed-since-approval']);
    expect(Object.fromEntries(Object.entries(iso).map(([id, types]) => [id, old(types)]))).toEqual({
      'A.5.15': [],
      'A.5.16': ['orphaned-identity', 'stale-role', 'unapproved-access'],
      'A.5.17': ['unrotated-access-key', 'unused-access-key'],
      'A.5.18': [],
    });
    const detections = Object.entries(classes).filter(([, uid]) => uid === 2004);
    expect(detections.map(([t]) => t)).toEqual(['human-use-of-nhi', 'forged-event']);
    expect(Object.values(classes).filter((uid) => uid === 2003)).toHaveLength(OLD_TYPES.length - 2);
  });

  it('sends every finding type to Security Hub under the ASFF type it had before', () => {
    // Arrange
    const target = parseProductArn('arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
    const best = 'Software and Configuration Checks/AWS Security Best Practices';
    const standards = 'Software and Configuration Checks/Industry and Regulatory Standards';

    // Act
    const types = Object.fromEntries(
      OLD_TYPES.map((type) => [type, toAsff(aFinding({ type }), target, '2026-03-01T00:00:00Z').Types]),
    );

    // Assert
    expect(types).toEqual({
      'stale-role': [`${best}/Unused IAM Role`],
      'unused-access-key': [`${best}/Unused Access Key`],
      'unrotated-access-key': [`${best}/Unrotated Access Key`],
      'unmanaged-access-key': [`${best}/Unmanaged Access Key`],
      'unapproved-access': [`${standards}/Unapproved Access`],
      'missing-access': [`${standards}/Missing Approved Access`],
      'expired-exception': [`${standards}/Expired Exception`],
      'expired-grant': [`${standards}/Expired Grant`],
      'certification-overdue': [`${standards}/Overdue Certification`],
      'break-glass-review-overdue': [`${standards}/Overdue Break-Glass Review`],
      'orphaned-identity': [`${best}/Identity Without Owner`],
      'human-use-of-nhi': ['Unusual Behaviors/User/Human Use of Non-Human Identity'],
      'forged-event': ['TTPs/Defense Evasion/Forged Provisioning Event'],
      'provisioning-failed': [`${standards}/Provisioning Failed`],
      'privilege-escalation': ['TTPs/Privilege Escalation/IAM Privilege Escalation Path'],
      'policy-changed-since-approval': [`${standards}/Policy Changed Since Approval`],
    });
  });
});
