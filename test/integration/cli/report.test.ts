import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, localDynamoClient } from '../../../lib/adapters/dynamodb/client.js';
import { ensureTables } from '../../../lib/adapters/dynamodb/create-tables.js';
import { storesFor } from '../../../lib/cli/local-store.js';
import { localTableNames } from '../../../lib/config/tables.js';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';
import { NOW, SEEDED, seed } from '../reports/seed.js';

const newPrefix = () => `r-${randomUUID().slice(0, 8)}`;
let seeded: string;

async function report(argv: string[], prefix = seeded, options: { tty?: boolean } = {}) {
  const env = { NHI_GOV_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), NHI_GOV_TABLE_PREFIX: prefix };
  const cwd = tempDir('nhi-gov-report-');
  const r = await runCli(['report', ...argv], { env, cwd, now: NOW, ...options });
  return { code: r.code, out: r.stdout, err: r.stderr, cwd };
}

beforeAll(async () => {
  seeded = newPrefix();
  const client = localDynamoClient(inject('dynamoEndpoint'));
  const names = localTableNames(seeded);
  await ensureTables(client, names);
  await seed(storesFor(client, names));
  client.destroy();
});

describe('nhi-gov report (embedded store)', () => {
  it('prints the findings report as a readable table by default, with nothing on stderr', async () => {
    const r = await report(['findings']);

    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('4 open findings: 1 critical, 2 high, 1 medium.');
    expect(r.out).toMatch(/^critical\s+forged-event\s+decision\/d-pending-reports01\s/m);
    expect(r.out).toMatch(/^high\s+unrotated-access-key\s+user\/ci\s+team-platform\s+14\s/m);
  });

  it('prints stable JSON: the documented top-level keys, generatedAt from the clock', async () => {
    const r = await report(['findings', '--format', 'json']);
    const json = JSON.parse(r.out);

    expect(r.code).toBe(0);
    expect(Object.keys(json)).toEqual([
      'report',
      'generatedAt',
      'asOf',
      'scope',
      'window',
      'total',
      'bySeverity',
      'byType',
      'byOwner',
      'withoutOwner',
      'byAge',
      'overTimeSource',
      'overTime',
      'scanIntervalHours',
      'lastScan',
      'findings',
    ]);
    expect(json).toMatchObject({
      report: 'findings',
      generatedAt: NOW.toISOString(),
      asOf: NOW.toISOString(),
      total: 4,
    });
    expect(Object.keys(json.findings[0])).toEqual([
      'id',
      'type',
      'severity',
      'status',
      'identityKey',
      'identityArn',
      'owner',
      'title',
      'firstSeen',
      'lastSeen',
      'resolvedAt',
      'suppressedBy',
      'ageDays',
      'owaspNhi',
      'nistCsf',
      'evidence',
      'accountId',
    ]);
  });

  it('reports as of another time with --as-of: ages and asOf follow it, generatedAt stays the clock', async () => {
    const r = await report(['findings', '--as-of', '2026-04-01T00:00:00Z', '--format', 'json']);
    const json = JSON.parse(r.out);
    const overview = JSON.parse(
      (await report(['overview', '--as-of', '2026-04-01T00:00:00Z', '--format', 'json'])).out,
    );

    expect(r.code).toBe(0);
    expect(json.generatedAt).toBe(NOW.toISOString());
    expect(json.asOf).toBe('2026-04-01T00:00:00.000Z');
    expect(Object.keys(json).slice(0, 3)).toEqual(['report', 'generatedAt', 'asOf']);
    for (const r of [overview, overview.findings, overview.exceptions, overview.violations])
      expect([r.generatedAt, r.asOf]).toEqual([NOW.toISOString(), '2026-04-01T00:00:00.000Z']);
    expect(json.window.until).toBe('2026-04-01T00:00:00.000Z');
    expect(json.findings.find((f: { type: string }) => f.type === 'stale-role').ageDays).toBe(90);
  });

  it('prints CSV with a header and one CRLF line per finding', async () => {
    const r = await report(['findings', '--format', 'csv']);
    const lines = r.out.split('\r\n').filter(Boolean);

    expect(r.code).toBe(0);
    expect(lines[0]).toBe(
      'id,type,severity,status,identityKey,identityArn,owner,title,firstSeen,lastSeen,resolvedAt,suppressedBy,ageDays,owaspNhi,nistCsf,evidence,accountId',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(',forged-event,critical,open,decision/d-pending-reports01,');
  });

  it('writes a self-contained HTML page with its charts to --output, and nothing to stdout', async () => {
    const r = await report(['findings', '--format', 'html', '--output', 'out/findings.html']);
    const html = readFileSync(join(r.cwd, 'out/findings.html'), 'utf8');

    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<h2>Findings over time</h2><svg');
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/<script|<link|\ssrc=|url\(/i);
  });

  it.each([
    [['drift'], '5 IAM changes, 4 backed by an approved decision; 2 changes with none.'],
    [
      ['exceptions'],
      '1 active exception (1 expiring within 14 days), 1 past expiry but still approved, 1 expired.',
    ],
    [['reviews'], '2 campaigns (2 open, 1 overdue): 2 of 5 items reviewed (40%), 2 items overdue.'],
    [['provisioning'], 'time to grant: median 1m 30s, p95 2m 30s; time to remove: median 2m 53s, p95 5m'],
    [['violations'], '1 separation-of-duties refusal, 1 policy denial, 1 forged event, 1 unapproved access.'],
    [
      ['audit', SEEDED.breakGlass],
      '1 decision, 1 approval, 0 refused attempts, 4 execution records, 0 findings (0 open).',
    ],
    [
      ['audit', 'arn:aws:iam::111122223333:role/nhi/oncall'],
      '1 decision, 1 approval, 0 refused attempts, 4 execution records',
    ],
  ])('answers `report %s` in a table', async (argv, headline) => {
    const r = await report(argv);

    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(headline);
  });

  it.each([
    ['drift', 'changes'],
    ['exceptions', 'exceptions'],
    ['reviews', 'campaigns'],
    ['provisioning', 'executions'],
    ['violations', 'deniedAttempts'],
    ['overview', 'findings'],
  ])('prints `report %s --format json` as an object with report, generatedAt and %s', async (kind, key) => {
    const r = await report([kind, '--format', 'json']);
    const json = JSON.parse(r.out);

    expect(r.code).toBe(0);
    expect(json.report).toBe(kind);
    expect(json.generatedAt).toBe(NOW.toISOString());
    expect(json).toHaveProperty(key);
  });

  it.each(['drift', 'exceptions', 'reviews', 'provisioning', 'violations'])(
    'prints `report %s --format csv` with a header row',
    async (kind) => {
      const r = await report([kind, '--format', 'csv']);
      const lines = r.out.split('\r\n').filter(Boolean);

      expect(r.code).toBe(0);
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.slice(1).every((l) => l.split(',').length >= (lines[0] ?? '').split(',').length)).toBe(
        true,
      );
    },
  );

  it('renders the overview as one HTML page with the three charts a security team asks for', async () => {
    const r = await report(['overview', '--format', 'html']);

    expect(r.code).toBe(0);
    for (const title of [
      'Findings over time',
      'Exception age',
      'Provisioning latency',
      'Review completion',
    ]) {
      expect(r.out).toContain(`<h2>${title}</h2><svg`);
    }
    // The exception-age chart draws a bar for the one expired exception (181-365 days).
    expect(r.out).toContain('<title>181-365d · expired: 1</title>');
  });

  it('answers every report on an empty store with exit 0', async () => {
    const empty = newPrefix();
    for (const argv of [
      ['findings'],
      ['drift'],
      ['exceptions'],
      ['reviews'],
      ['provisioning'],
      ['violations'],
      ['audit', 'role/nobody'],
      ['overview', '--format', 'html'],
    ]) {
      const r = await report(argv, empty);
      expect({ argv, code: r.code, err: r.err }).toEqual({ argv, code: 0, err: '' });
    }
    expect((await report(['findings'], empty)).out).toContain('No open findings.');
    const page = (await report(['overview', '--format', 'html'], empty)).out;
    for (const text of [
      'No scan in the window',
      'No exceptions',
      'No executions in the window',
      'No violations in the window',
    ]) {
      expect(page).toContain(`>${text}</text>`);
    }
  });

  it('exits 1 when an open finding reaches --fail-on, after printing the report', async () => {
    const failing = await report(['findings', '--fail-on', 'high', '--format', 'json']);
    const passing = await report(['findings', '--owner', 'team-data', '--fail-on', 'high']);
    const drift = await report(['drift', '--fail-on', 'critical']);

    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.out).total).toBe(4);
    expect(failing.err).toBe('nhi-gov: 3 open findings at or above high (--fail-on)\n');
    expect(passing.code).toBe(0);
    // The change with no decision counts as critical.
    expect(drift.code).toBe(1);
  });

  it.each([
    [['findings', '--format', 'xml'], '--format: must be one of table, json, csv, html, ocsf'],
    [['findings', '--fail-on', 'severe'], '--fail-on:'],
    [['findings', '--since', 'last-week', '--type', 'nope'], '--since: must be a span back from now'],
    [['provisioning', '--since', '400d'], 'reaches back more than 366 days'],
    [['audit', 'not an identity'], 'not an IAM role or user'],
    [['audit', 'd-does-not-exist'], 'no decision with id d-does-not-exist'],
    [['overview', '--format', 'csv'], 'the overview report has no CSV form'],
  ])('exits 2 on `report %s` with one line on stderr', async (argv, message) => {
    const r = await report(argv);

    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).toMatch(/^nhi-gov: /);
    expect(r.err).toContain(message);
  });

  it('names every bad option at once', async () => {
    const r = await report(['findings', '--format', 'xml', '--min-severity', 'huge', '--type', 'nope']);

    expect(r.code).toBe(2);
    expect(r.err).toContain('--format:');
    expect(r.err).toContain('--min-severity:');
    expect(r.err).toContain('--type:');
    expect(r.err).not.toMatch(/minSeverity|failOn/);
  });

  it('exits 2 on an unknown report or option (commander), first line saying what is wrong', async () => {
    const unknownKind = await report(['nonsense']);
    const unknownOption = await report(['findings', '--colour']);

    expect(unknownKind.code).toBe(2);
    expect(unknownKind.err.split('\n')[0]).toContain("unknown command 'nonsense'");
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.err.split('\n')[0]).toContain("unknown option '--colour'");
  });

  it('shows progress on stderr only when stderr is a terminal, never in the output', async () => {
    const piped = await report(['provisioning']);
    const terminal = await report(['provisioning'], seeded, { tty: true });

    expect(piped.err).toBe('');
    expect(terminal.err).toContain('report provisioning: reading executions of');
    expect(terminal.out).toBe(piped.out);
  });

  it.each(['findings', 'drift', 'exceptions', 'reviews', 'provisioning', 'violations', 'audit', 'overview'])(
    'documents `report %s --help` with examples and exits 0',
    async (kind) => {
      const r = await report([kind, '--help']);

      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: nhi-gov report ${kind}`);
      expect(r.out).toContain('Examples:');
      expect(r.out).toContain(`$ nhi-gov report ${kind}`);
      expect(r.out).toContain('Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error');
    },
  );
});

describe('nhi-gov report (deployed stack)', () => {
  const cloudFormation = mockClient(CloudFormationClient);

  afterEach(() => {
    cloudFormation.reset();
    vi.unstubAllEnvs();
  });

  /** The caller's "normal" credentials: here the ones DynamoDB Local keeps the test tables under. */
  function callerCredentials() {
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
  }

  it('reads the table names from the stack outputs and reports on those tables', async () => {
    callerCredentials();
    const names = localTableNames(seeded);
    cloudFormation.on(DescribeStacksCommand, { StackName: 'NhiGov' }).resolves({
      Stacks: [
        {
          StackName: 'NhiGov',
          CreationTime: NOW,
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'DecisionsTableName', OutputValue: names.decisions },
            { OutputKey: 'ExecutionsTableName', OutputValue: names.executions },
            { OutputKey: 'FindingsTableName', OutputValue: names.findings },
          ],
        },
      ],
    });

    // A prefix with no tables: proves the report did not fall back to the embedded store.
    const r = await report(
      ['findings', '--stack', 'NhiGov', '--region', 'us-east-1', '--endpoint-url', inject('dynamoEndpoint')],
      newPrefix(),
    );

    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 open findings');
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'NhiGov' });
  });

  it('uses explicit table names without asking CloudFormation', async () => {
    callerCredentials();
    const names = localTableNames(seeded);

    const r = await report(
      [
        'exceptions',
        '--region',
        'us-east-1',
        '--endpoint-url',
        inject('dynamoEndpoint'),
        '--decisions-table',
        names.decisions,
        '--executions-table',
        names.executions,
        '--findings-table',
        names.findings,
        '--format',
        'json',
      ],
      newPrefix(),
    );

    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.active).toBe(1);
    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });

  it('exits 2 "AWS is not configured" for missing credentials, with --stack and with table names alike', async () => {
    // Arrange: no credentials anywhere; the SDK says so from CloudFormation and from DynamoDB.
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    cloudFormation.on(DescribeStacksCommand).rejects(noCredentials);
    const dynamo = mockClient(DynamoDBClient);
    dynamo.onAnyCommand().rejects(noCredentials);
    try {
      // Act
      const withStack = await report(['findings', '--stack', 'NhiGov', '--region', 'eu-west-1']);
      const withTables = await report([
        'findings',
        '--region',
        'eu-west-1',
        '--decisions-table',
        'd-table',
        '--executions-table',
        'e-table',
        '--findings-table',
        'f-table',
      ]);

      // Assert: one cause, one exit code, one message.
      expect([withStack.code, withTables.code]).toEqual([2, 2]);
      for (const r of [withStack, withTables]) {
        expect(r.err).toBe('nhi-gov: AWS is not configured: Could not load credentials from any providers\n');
        expect(r.out).toBe('');
      }
    } finally {
      dynamo.restore();
    }
  });

  it('exits 2 with one line when the stack does not exist or is not an nhi-gov stack', async () => {
    callerCredentials();
    const missing = Object.assign(new Error('Stack with id Nope does not exist'), {
      name: 'ValidationError',
    });
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Nope' }).rejects(missing);
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Other' }).resolves({
      Stacks: [{ StackName: 'Other', CreationTime: NOW, StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });

    const nope = await report(['findings', '--stack', 'Nope', '--region', 'eu-west-1']);
    const other = await report(['findings', '--stack', 'Other', '--region', 'eu-west-1']);
    const noNames = await report(['findings', '--region', 'eu-west-1', '--findings-table', 'x-findings']);

    expect([nope.code, other.code, noNames.code]).toEqual([2, 2, 2]);
    expect(nope.err).toBe('nhi-gov: stack Nope does not exist in eu-west-1\n');
    expect(other.err).toContain('has no output DecisionsTableName, ExecutionsTableName, FindingsTableName');
    expect(noNames.err).toBe(
      'nhi-gov: name the deployed tables with --stack <name> or give --decisions-table, --executions-table\n',
    );
  });
});
