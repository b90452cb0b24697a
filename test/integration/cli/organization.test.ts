import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AS_OF, scanArgs, writeOrganization } from '../../../bench/support/organization.js';
import type { OrganizationReport } from '../../../lib/domain/reports/organization.js';
import { localCliEnv, runCli } from '../../support/cli.js';

const ALICE = 'arn:aws:iam::111122223333:role/team-lead-alice';

// The organization benchmark (bench/org.bench.ts) at three accounts: scans into one local store,
// a request for two accounts, and the org-wide report with its unit filter.
describe('a local organization of three accounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-gov-org-'));
  const env = localCliEnv('org');
  const cli = (...argv: string[]) => runCli(argv, { env, cwd: dir, now: AS_OF });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scans each account into the store, files one decision per account, and reports per account and unit', async () => {
    // Arrange: three accounts in two units, the last one late by three days
    const org = writeOrganization(dir, { accounts: 3, identities: 6, units: 2, lateEvery: 3 });
    for (const account of org.accounts) {
      const scan = await cli(...scanArgs(dir, org, account));
      expect(scan.code, scan.stderr).toBe(0);
    }
    writeFileSync(
      join(dir, 'grant.json'),
      JSON.stringify({
        kind: 'grant',
        identity: { type: 'role', name: 'svc-role-0' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        justification: 'read the ledger in both accounts',
        owner: 'team-payments',
      }),
    );
    const [a, b, c] = org.accounts as [string, string, string];
    // Act
    const request = await cli(
      'request',
      '--as',
      ALICE,
      '--file',
      'grant.json',
      '--account',
      a,
      '--account',
      b,
      '--format',
      'json',
    );
    const both = await cli(
      'request',
      '--as',
      ALICE,
      '--file',
      'grant.json',
      '--account',
      a,
      '--account',
      `0${b}`,
    );
    const whole = await cli('report', 'organization', '--format', 'json');
    const unit = await cli('report', 'organization', '--ou', 'ou-0', '--format', 'json');
    const unknown = await cli('report', 'organization', '--ou', 'ou-9');
    // Assert
    expect(request.code, request.stderr).toBe(0);
    expect(JSON.parse(request.stdout).map((d: { accountId: string }) => d.accountId)).toEqual([a, b]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(`accounts[1]: "0${b}"`);
    const report = JSON.parse(whole.stdout) as OrganizationReport;
    expect(report.accounts.map((r) => r.accountId)).toEqual([a, b, c]);
    expect(report.stale).toEqual([c]);
    expect(report.totals.pendingDecisions).toBe(2);
    expect(report.totals.openFindings).toBe(report.accounts.reduce((n, r) => n + r.openFindings, 0));
    expect(report.totals.openFindings).toBeGreaterThan(0);
    expect((JSON.parse(unit.stdout) as OrganizationReport).accounts.map((r) => r.accountId)).toEqual(
      org.units['ou-0'],
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--ou "ou-9" is not a unit of the organization');
  });
});
