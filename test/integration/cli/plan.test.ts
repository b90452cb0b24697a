import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { documentClient, localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { DynamoDecisionStore } from '../../../lib/adapters/dynamodb/decision-store.js';
import { localTableNames } from '../../../lib/config/tables.js';
import type { Decision } from '../../../lib/domain/decision.js';
import { aDecision } from '../../support/builders.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const SNAPSHOT = [
  '--gaad',
  `${EXAMPLES}acme-gaad.json`,
  '--credential-report',
  `${EXAMPLES}acme-credential-report.csv`,
];
const BOUNDARY = 'arn:aws:iam::123456789012:policy/nhi-gov-boundary';
const NOW = '2026-03-02T09:00:00.000Z';
const TRUST = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};

const freshEnv = () => localCliEnv('plan');

async function seed(env: ReturnType<typeof freshEnv>, decisions: readonly Decision[]) {
  const client = localDynamoClient(env.NHI_GOV_DYNAMODB_ENDPOINT);
  const names = localTableNames(env.NHI_GOV_TABLE_PREFIX);
  await ensureTables(client, names);
  const store = new DynamoDecisionStore(documentClient(client), names.decisions);
  for (const d of decisions) await store.create(d);
  client.destroy();
}

function cli(env: ReturnType<typeof freshEnv>) {
  const dir = tempDir('nhi-gov-plan-');
  return (...argv: string[]) => runCli(argv, { env, cwd: dir, now: NOW });
}

/** An approved decision, decided at `at`. */
function approved(at: string, overrides: Partial<Decision>): Decision {
  return aDecision({ status: 'approved', version: 2, decidedAt: at, updatedAt: at, ...overrides });
}

const grant = (name: string, policyArn: string, at: string, overrides: Partial<Decision> = {}) =>
  approved(at, {
    identityKey: `role/${name}`,
    request: {
      kind: 'grant',
      identity: { type: 'role', name },
      entitlement: { type: 'managed-policy', policyArn },
      justification: 'the job needs to read the ledger',
      owner: 'team-payments',
    },
    ...overrides,
  });

describe('nhi-gov plan', () => {
  it('prints the changes the provision function would make against the example snapshot, and calls nothing', async () => {
    const env = freshEnv();
    const createLoader = approved('2026-03-01T08:00:00.000Z', {
      kind: 'create-identity',
      identityKey: 'role/new-loader',
      owner: 'team-data',
      request: {
        kind: 'create-identity',
        identity: { type: 'role', name: 'new-loader' },
        trustPolicy: TRUST,
        owner: 'team-data',
        justification: 'a Glue job loads the warehouse',
      },
    });
    const decisions = [
      grant('payments-batch', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '2026-03-01T07:00:00.000Z'),
      grant('payments-batch', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', '2026-03-01T07:30:00.000Z'),
      grant('etl-nightly', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '2026-03-01T07:45:00.000Z'),
      createLoader,
      grant('new-loader', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', '2026-03-01T09:00:00.000Z'),
      aDecision({
        status: 'revoked',
        version: 3,
        updatedAt: '2026-03-01T10:00:00.000Z',
        identityKey: 'role/payments-batch',
        request: {
          kind: 'grant',
          identity: { type: 'role', name: 'payments-batch' },
          entitlement: {
            type: 'inline-policy',
            policyName: 'hotfix-s3-write',
            document: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }],
            },
          },
          justification: 'hotfix during the incident',
          owner: 'team-payments',
        },
      }),
      approved('2026-03-01T11:00:00.000Z', {
        kind: 'delete-identity',
        identityKey: 'user/metrics-pusher',
        request: {
          kind: 'delete-identity',
          identity: { type: 'user', name: 'metrics-pusher' },
          justification: 'metrics moved to the OTel collector',
        },
      }),
      grant('reports-export', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '2026-03-01T12:00:00.000Z', {
        status: 'pending',
      }),
    ];
    await seed(env, decisions);

    const { code, stdout, stderr } = await cli(env)('plan', ...SNAPSHOT);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`boundary ${BOUNDARY} from the snapshot`);
    const body = stdout.split('\n');
    const row = (pattern: RegExp) => body.filter((l) => pattern.test(l));
    expect(
      row(/role\/payments-batch\s+attach arn:aws:iam::aws:policy\/ReadOnlyAccess to role\/payments-batch/),
    ).toHaveLength(1);
    expect(row(/AmazonS3ReadOnlyAccess to role\/payments-batch/)).toHaveLength(0);
    expect(
      row(
        /role\/etl-nightly\s+REFUSED: role\/etl-nightly is at IAM path \/legacy\/, outside the managed path \/nhi\//,
      ),
    ).toHaveLength(1);
    expect(
      row(
        new RegExp(
          `create role new-loader at path /nhi/ with boundary ${BOUNDARY}, tags \\{nhi-gov:decision-id=${createLoader.id}, nhi-gov:owner=team-data\\}`,
        ),
      ),
    ).toHaveLength(1);
    expect(row(/attach arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess to role\/new-loader/)).toHaveLength(1);
    expect(
      row(/grant \(revoked\)\s+role\/payments-batch\s+delete inline policy hotfix-s3-write/),
    ).toHaveLength(1);
    expect(row(/user\/metrics-pusher\s+delete access key in slot 1 of user\/metrics-pusher/)).toHaveLength(1);
    expect(row(/delete user\/metrics-pusher$/)).toHaveLength(1);
    expect(row(/delete secret nhi-gov\/metrics-pusher/)).toHaveLength(1);
    expect(row(/reports-export/)).toHaveLength(0);
    expect(stdout).toMatch(/for 7 decisions; 1 already in place; 1 refused by the guardrails/);
  });

  it('prints the same plan as JSON with each change and the guardrails it used', async () => {
    const env = freshEnv();
    const d = grant(
      'reports-export',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      '2026-03-01T07:00:00.000Z',
      {
        expiresAt: '2026-03-03T07:00:00.000Z',
      },
    );
    await seed(env, [d]);

    const { code, stdout } = await cli(env)(
      'plan',
      ...SNAPSHOT,
      '--format',
      'json',
      '--permissions-boundary',
      BOUNDARY,
    );

    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.guardrails).toEqual({
      managedPath: '/nhi/',
      permissionsBoundaryArn: BOUNDARY,
      secretPrefix: 'nhi-gov/',
      permissionsBoundarySource: '--permissions-boundary',
    });
    expect(json.decisions).toEqual([
      expect.objectContaining({
        decisionId: d.id,
        outcome: 'changes',
        changes: [
          expect.objectContaining({ action: 'schedule-revoke', expression: 'at(2026-03-03T07:00:00)' }),
          expect.objectContaining({
            action: 'attach-policy',
            identity: 'role/reports-export',
            policyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
          }),
        ],
      }),
    ]);
  });

  it('says there is nothing to change when IAM already matches', async () => {
    const env = freshEnv();
    await seed(env, [
      grant('reports-export', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '2026-03-01T07:00:00.000Z'),
    ]);

    const { code, stdout } = await cli(env)('plan', ...SNAPSHOT);

    expect(code).toBe(0);
    expect(stdout).toContain('0 changes for 1 decision; 1 already in place; 0 refused');
    expect(stdout).toContain('Nothing to change');
  });

  it('refuses bad options in one line with exit code 2, before starting the store', async () => {
    const env = { ...freshEnv(), NHI_GOV_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };

    const missing = await cli(env)('plan', '--format', 'xml');
    const badBoundary = await cli(env)('plan', ...SNAPSHOT, '--permissions-boundary', 'boundary');

    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^nhi-gov: invalid options: --gaad: is required.*; --format: must be one of table, json, csv, html, ocsf\n$/,
    );
    expect(badBoundary.code).toBe(2);
    expect(badBoundary.stderr).toMatch(/--permissions-boundary: must be a managed policy ARN/);
  });
});
