import type { AwsSecurityFinding, SeverityLabel } from '@aws-sdk/client-securityhub';
import type { Finding, FindingType } from '../../domain/finding.js';
import { perFindingType } from '../../domain/findings/types/index.js';
import type { Severity } from '../../domain/primitives.js';

/** Where findings go: `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`. */
export interface SecurityHubTarget {
  readonly productArn: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

const PRODUCT_ARN = /^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):(\d{12}):product\/(\d{12})\/default$/;

/**
 * Reads the account's default product ARN, the one a customer's own integration imports under.
 * @throws Error when the ARN is not `.../product/<account>/default` of the same account.
 */
export function parseProductArn(productArn: string): SecurityHubTarget {
  const m = PRODUCT_ARN.exec(productArn);
  if (!m || m[3] !== m[4]) {
    throw new Error(`not a default Security Hub product ARN of an account: ${productArn}`);
  }
  return { productArn, partition: m[1] as string, region: m[2] as string, accountId: m[3] as string };
}

/** The ASFF schema version every finding carries. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

const LABELS: Record<Severity, SeverityLabel> = {
  info: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** ASFF finding type (namespace/category/classifier) of each nhi-gov finding type, from its metadata. */
const TYPES: Readonly<Record<FindingType, string>> = perFindingType((m) => m.asffType);

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The ASFF id of a finding: stable across scans, because nhi-gov's own id is a hash of the condition. */
export const asffId = (f: Pick<Finding, 'id'>) => `nhi-gov/${f.id}`;

function resourceOf(
  f: Finding,
  target: SecurityHubTarget,
): NonNullable<AwsSecurityFinding['Resources']>[number] {
  const [kind, ...rest] = f.identityKey.split('/');
  const name = rest.join('/');
  const common = { Partition: target.partition as 'aws', Region: target.region };
  if (kind === 'role' || kind === 'user') {
    return {
      Type: kind === 'role' ? 'AwsIamRole' : 'AwsIamUser',
      Id: f.identityArn ?? `arn:${target.partition}:iam::${target.accountId}:${kind}/${name}`,
      ...common,
      Details: kind === 'role' ? { AwsIamRole: { RoleName: name } } : { AwsIamUser: { UserName: name } },
    };
  }
  return { Type: 'Other', Id: f.identityKey, ...common };
}

/**
 * One nhi-gov finding as an AWS Security Finding Format record. Open and suppressed findings are
 * ACTIVE with compliance FAILED; a resolved finding is ARCHIVED with compliance PASSED (Security Hub
 * then moves its workflow from NEW/NOTIFIED to RESOLVED: after creation, BatchImportFindings may not
 * set Workflow itself). Severity and Types also go in FindingProviderFields, where providers update them.
 * Evidence is summarised in ProductFields as JSON, clipped: it never holds a secret (see Finding).
 */
export function toAsff(f: Finding, target: SecurityHubTarget, at: string): AwsSecurityFinding {
  const resolved = f.status === 'resolved';
  const severity = { Label: LABELS[f.severity], Original: f.severity };
  const types = [TYPES[f.type]];
  const requirements = [
    ...f.frameworks.nistCsf.map((c) => `NIST CSF 2.0 ${c}`),
    ...f.frameworks.owaspNhi.map((c) => `OWASP NHI Top 10 ${c}`),
  ].slice(0, 32);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(f),
    ProductArn: target.productArn,
    ProductName: 'nhi-gov',
    CompanyName: 'nhi-gov',
    GeneratorId: `nhi-gov/${f.type}`,
    AwsAccountId: target.accountId,
    Region: target.region,
    Types: types,
    CreatedAt: f.firstSeen,
    // Security Hub keeps the newest record of an id: the scan's time always moves forward.
    UpdatedAt: resolved ? (f.resolvedAt ?? at) : at,
    FirstObservedAt: f.firstSeen,
    LastObservedAt: f.lastSeen,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(f.title, 256),
    Description: clip(
      `${f.title}. nhi-gov finding ${f.type} on ${f.identityKey}${f.owner ? ` (owner ${f.owner})` : ''}.`,
      1024,
    ),
    Resources: [resourceOf(f, target)],
    Compliance: {
      Status: resolved ? 'PASSED' : 'FAILED',
      RelatedRequirements: requirements,
      StatusReasons: [
        {
          ReasonCode: resolved ? 'NHI_GOV_RESOLVED' : 'NHI_GOV_OPEN',
          Description: clip(resolved ? 'The condition is gone since the last scan.' : f.title, 2048),
        },
      ],
    },
    RecordState: resolved ? 'ARCHIVED' : 'ACTIVE',
    // Only honoured when the record is created; later changes come from RecordState (see above).
    Workflow: { Status: resolved ? 'RESOLVED' : f.status === 'suppressed' ? 'SUPPRESSED' : 'NEW' },
    ProductFields: {
      'nhi-gov/type': f.type,
      'nhi-gov/status': f.status,
      'nhi-gov/identity': f.identityKey,
      ...(f.owner ? { 'nhi-gov/owner': f.owner } : {}),
      ...(f.suppressedBy ? { 'nhi-gov/suppressedBy': f.suppressedBy } : {}),
      'nhi-gov/evidence': clip(JSON.stringify(f.evidence), 4096),
    },
  };
}
