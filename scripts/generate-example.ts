/**
 * Writes the example account snapshot that `npm start` scans: a small, fictional account
 * (123456789012, "Acme") with the quirks of real exports and one of each common problem. Dates are
 * fixed relative to EXAMPLE_AS_OF, so the demo prints the same findings on every machine.
 *
 *   npx tsx scripts/generate-example.ts      # rewrites examples/acme-gaad.json and examples/acme-credential-report.csv
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toCredentialReportCsv, toGaadJson } from '../lib/adapters/snapshot/write-snapshot.js';
import type { IamInventory, InventoryRole, InventoryUser } from '../lib/domain/inventory.js';

/** The `--as-of` of `npm start`. */
export const EXAMPLE_AS_OF = '2026-03-01T00:00:00Z';
const ACCOUNT = '123456789012';
const DAY = 86_400_000;
const ago = (days: number) =>
  new Date(Date.parse(EXAMPLE_AS_OF) - days * DAY).toISOString().replace('.000Z', 'Z');
const trust = (service: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});
const READ_ONLY = { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' };
const S3_READ = { arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', name: 'AmazonS3ReadOnlyAccess' };
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/nhi-gov-boundary`;

function role(name: string, path: string, r: Partial<InventoryRole>): InventoryRole {
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
    path,
    createdAt: ago(300),
    tags: {},
    attachedManagedPolicies: [],
    inlinePolicies: [],
    instanceProfiles: [],
    trustPolicy: trust('lambda.amazonaws.com'),
    ...r,
  };
}

function user(name: string, path: string, u: Partial<InventoryUser>): InventoryUser {
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`,
    path,
    createdAt: ago(300),
    tags: {},
    attachedManagedPolicies: [],
    inlinePolicies: [],
    groups: [],
    passwordEnabled: false,
    mfaActive: false,
    accessKeys: [],
    credentialReportSeen: true,
    ...u,
  };
}

/** The example account. Each identity's comment says what the scan should make of it. */
export function exampleAccount(): IamInventory {
  const roles = [
    // AWS-managed and SSO roles: excluded from NHI scanning however old they are.
    role('AWSServiceRoleForSupport', '/aws-service-role/support.amazonaws.com/', {
      trustPolicy: trust('support.amazonaws.com'),
      createdAt: ago(900),
    }),
    role(
      'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
      '/aws-reserved/sso.amazonaws.com/eu-west-1/',
      {
        createdAt: ago(700),
        lastUsedAt: ago(1),
      },
    ),
    // Provisioned path, owned, in use, but nothing in the store approved it: drift (unapproved identity,
    // attachment and a hand-made inline policy).
    role('payments-batch', '/nhi/', {
      createdAt: ago(60),
      lastUsedAt: ago(1),
      lastUsedRegion: 'eu-west-1',
      tags: { 'nhi-gov:owner': 'team-payments' },
      attachedManagedPolicies: [S3_READ],
      inlinePolicies: [
        {
          name: 'hotfix-s3-write',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-ledger/*' }],
          },
        },
      ],
      permissionsBoundaryArn: BOUNDARY,
    }),
    // Never used since it was made 200 days ago, and never reviewed: stale, overdue, drift.
    role('reports-export', '/nhi/', {
      createdAt: ago(200),
      tags: { 'nhi-gov:owner': 'team-analytics' },
      attachedManagedPolicies: [READ_ONLY],
      permissionsBoundaryArn: BOUNDARY,
    }),
    // Outside the managed path, last used 120 days ago, nobody owns it: stale and orphaned.
    role('etl-nightly', '/legacy/', {
      createdAt: ago(800),
      lastUsedAt: ago(120),
      lastUsedRegion: 'us-east-1',
      trustPolicy: trust('glue.amazonaws.com'),
      attachedManagedPolicies: [S3_READ],
    }),
    // Healthy: owned and used.
    role('image-resize', '/', {
      createdAt: ago(400),
      lastUsedAt: ago(2),
      lastUsedRegion: 'eu-west-1',
      tags: { 'nhi-gov:owner': 'team-web' },
    }),
  ];
  const users = [
    // A person: console password and no key. Not an NHI.
    user('alice', '/', { passwordEnabled: true, passwordLastUsedAt: ago(1), mfaActive: true, tags: {} }),
    // NHI under the managed path, key fresh and used: only drift (no approved decision in the store).
    user('ci-deployer', '/nhi/', {
      createdAt: ago(45),
      tags: { 'nhi-gov:owner': 'team-platform' },
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotatedAt: ago(30),
          lastUsedAt: ago(1),
          lastUsedService: 'cloudformation',
        },
      ],
      permissionsBoundaryArn: BOUNDARY,
    }),
    // A key made 400 days ago and used daily: unrotated; no owner: orphaned.
    user('build-bot', '/', {
      createdAt: ago(420),
      accessKeys: [
        { slot: 1, active: true, lastRotatedAt: ago(400), lastUsedAt: ago(1), lastUsedService: 's3' },
      ],
      groups: ['builders'],
    }),
    // Last used 150 days ago: unused (and unrotated); slot 2 holds an old inactive key, which is ignored.
    user('old-sync', '/', {
      createdAt: ago(600),
      tags: { 'nhi-gov:owner': 'team-data' },
      accessKeys: [
        { slot: 1, active: true, lastRotatedAt: ago(200), lastUsedAt: ago(150), lastUsedService: 'sqs' },
        { slot: 2, active: false, lastRotatedAt: ago(500), lastUsedAt: ago(450), lastUsedService: 'sqs' },
      ],
    }),
    // A bot with a console password that someone uses: human use of an NHI.
    user('shared-admin-bot', '/', {
      createdAt: ago(100),
      tags: { 'nhi-gov:owner': 'team-ops' },
      passwordEnabled: true,
      passwordLastUsedAt: ago(3),
      accessKeys: [
        { slot: 1, active: true, lastRotatedAt: ago(20), lastUsedAt: ago(2), lastUsedService: 'ec2' },
      ],
    }),
    // Managed-path user whose key was never used although it is 120 days old: unused key, drift, overdue.
    user('metrics-pusher', '/nhi/', {
      createdAt: ago(120),
      tags: { 'nhi-gov:owner': 'team-observability' },
      accessKeys: [{ slot: 1, active: true, lastRotatedAt: ago(120) }],
      permissionsBoundaryArn: BOUNDARY,
    }),
  ];
  return { source: 'snapshot', collectedAt: EXAMPLE_AS_OF, accountId: ACCOUNT, roles, users, origin: [] };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const account = exampleAccount();
  const dir = fileURLToPath(new URL('../examples/', import.meta.url));
  // GAAD in the CLI v1 style (space before the time), the credential report in the ISO `T` style.
  writeFileSync(`${dir}acme-gaad.json`, toGaadJson(account, 'space'));
  writeFileSync(
    `${dir}acme-credential-report.csv`,
    toCredentialReportCsv(account, { style: 'iso-t', rootCreatedAt: '2019-05-01T10:00:00Z' }),
  );
  process.stdout.write(`wrote ${dir}acme-gaad.json and ${dir}acme-credential-report.csv\n`);
}
