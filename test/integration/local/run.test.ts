import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sandboxPaths } from '../../../lib/adapters/sandbox/local-sandbox.js';
import { localCliEnv, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const ALICE = 'arn:aws:iam::111122223333:role/team-lead-alice';
const BOB = 'arn:aws:iam::111122223333:role/security-approver-bob';

describe('nhi-gov run: the local event pipeline on the sandbox', () => {
  it('provisions an approved grant into the sandbox through the deployed handler, once', async () => {
    // Arrange
    const cwd = tempDir('nhi-gov-loop-');
    const home = join(cwd, '.nhi-gov');
    const env = { ...localCliEnv('loop'), NHI_GOV_HOME: home };
    const cli = (...argv: string[]) => runCli(argv, { env, cwd, now: '2026-03-02T09:00:00.000Z' });
    writeFileSync(
      join(cwd, 'grant.json'),
      JSON.stringify({
        kind: 'grant',
        account: '123456789012',
        identity: { type: 'role', name: 'payments-batch' },
        entitlement: { type: 'managed-policy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        justification: 'nightly reconciliation job reads the ledger',
        owner: 'team-payments',
      }),
    );
    const seeded = await cli(
      'sandbox',
      'seed',
      '--gaad',
      `${EXAMPLES}acme-gaad.json`,
      '--credential-report',
      `${EXAMPLES}acme-credential-report.csv`,
    );
    expect(seeded.stderr).toBe('');
    const filed = JSON.parse(
      (await cli('request', '--as', ALICE, '--file', 'grant.json', '--format', 'json')).stdout,
    );
    expect((await cli('approve', filed.id, '--as', BOB)).code).toBe(0);

    // Act
    const first = await cli('run', '--format', 'json');
    const second = await cli('run', '--format', 'json');

    // Assert
    expect(first.stderr, first.stdout).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    const toProvision = report.deliveries.filter((d: { target: string }) => d.target === 'provision');
    expect(toProvision).toHaveLength(1);
    expect(toProvision[0]).toMatchObject({ via: 'rule ApprovedToProvision', decisionId: filed.id });
    expect(toProvision[0].result.status).toBe('succeeded');
    const account = JSON.parse(readFileSync(sandboxPaths(home).gaad, 'utf8'));
    const role = account.RoleDetailList.find((r: { RoleName: string }) => r.RoleName === 'payments-batch');
    expect(role.AttachedManagedPolicies.map((p: { PolicyArn: string }) => p.PolicyArn)).toContain(
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    );
    // The stream was checkpointed: a second run delivers nothing to the executors.
    expect(
      JSON.parse(second.stdout).deliveries.filter((d: { target: string }) => d.target === 'provision'),
    ).toEqual([]);
    const audit = await cli('report', 'audit', 'role/payments-batch', '--format', 'json');
    expect(audit.stdout).toContain(filed.id);
  });

  it('refuses bad input and IAM refusals with the documented exit codes, writing nothing', async () => {
    // Arrange
    const cwd = tempDir('nhi-gov-loop-');
    const home = join(cwd, '.nhi-gov');
    const env = { ...localCliEnv('loop'), NHI_GOV_HOME: home };
    const cli = (...argv: string[]) => runCli(argv, { env, cwd, now: '2026-03-02T09:00:00.000Z' });
    const notSeeded = await cli('run');
    await cli(
      'sandbox',
      'seed',
      '--gaad',
      `${EXAMPLES}acme-gaad.json`,
      '--credential-report',
      `${EXAMPLES}acme-credential-report.csv`,
    );
    const seeded = readFileSync(sandboxPaths(home).gaad, 'utf8');

    // Act
    const future = await cli('run', '--as-of', '2026-03-02T09:06:00Z');
    const bogus = await cli('sandbox', 'console', 'delete-everything', '--role-name', 'x');
    const missing = await cli(
      'sandbox',
      'console',
      'attach-role-policy',
      '--role-name',
      'nope',
      '--policy-arn',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    );
    const key = await cli(
      'sandbox',
      'console',
      'create-access-key',
      '--user-name',
      'build-bot',
      '--format',
      'json',
    );
    const afterKey = readFileSync(sandboxPaths(home).gaad, 'utf8');
    const third = await cli('sandbox', 'console', 'create-access-key', '--user-name', 'build-bot');

    // Assert
    expect(notSeeded.code).toBe(2);
    expect(notSeeded.stderr).toContain('nhi-gov sandbox seed');
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--as-of 2026-03-02T09:06:00.000Z is in the future');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('<action> delete-everything: must be one of');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NoSuchEntity');
    expect(afterKey).not.toBe(seeded);
    const created = JSON.parse(key.stdout);
    expect(created.createdAccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.stdout).not.toMatch(/secret/i);
    expect(third.code).toBe(3);
    expect(third.stderr).toContain('LimitExceeded');
    expect(readFileSync(sandboxPaths(home).gaad, 'utf8')).toBe(afterKey);
  });
});
